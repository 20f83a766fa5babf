/* kindctx_bench.c - the peer benchmark's timing method, applied to kindctx.
 *
 * usage: kindctx_bench --rules FILE --data JSONL [--scenarios N] [--min-seconds S]
 *                      [--out FILE] [--load-runs N] [--findings] [--label NAME]
 *                      [--pipeline-seconds S] [--layout compact|plain]
 *        kindctx_bench --rules FILE --load-only [--load-runs N]
 *
 * Mirrors /work/shared/peer-bench/lib/common.js (runBench):
 *   1. scenarios are read and parsed first, untimed: each JSON Lines line
 *      becomes a kc_doc (kc_doc_parse_ex, no position table), i.e. the
 *      library's own parsed-scenario handle, with KC_PARSE_COMPACT, the flag
 *      for documents parsed ahead and evaluated later (--layout plain: without
 *      it);
 *   2. load: the rule file is loaded and compiled (kc_ruleset_load_file), N
 *      times, median reported as load_ms; the same for kc_ruleset_load_string
 *      (text already in memory), kc_doc_parse_ex of the rule text alone, and
 *      cJSON_ParseWithLength + cJSON_Delete of the same text (for the "load at
 *      most 3x cJSON" target);
 *   3. pass 1 (untimed warm-up, reported as first_pass_ms) records each
 *      scenario's fired rule ids, score and verdict, written to --out as
 *      {"id","score","verdict","fired"} lines for check.js;
 *   4. timed passes over the whole scenario set until at least --min-seconds
 *      have passed: kc_evaluate (which also decides the verdict) + score +
 *      fired count per scenario (checksum += score + fired count, as the
 *      peers do). With --findings each
 *      timed evaluation also fetches every fired rule with kc_result_fired(),
 *      which renders its explanation text.
 *   5. with --pipeline-seconds S, the library's share of a batch, per line:
 *      parse only (kc_doc_parse_ex + free), evaluate + kc_result_to_json, and
 *      all three (pipe_parse_us, pipe_eval_json_us, pipeline_us), and parse +
 *      evaluate + a compact {"id","score","verdict","fired"} line instead of
 *      the full result (pipe_brief_us: what a compact batch output would cost).
 * Prints one JSON line with the peers' fields (engine, rules, scenarios,
 * passes, evaluations, seconds, scen_per_s, us_per_scen, load_ms,
 * first_pass_ms, rss_after_data_kb, peak_rss_kb, checksum) plus kindctx's own
 * (load_*_ms, cjson_parse_ms, load_vs_cjson, scen_parse_us, layout, undecided).
 *
 * Not run by CTest: see bench/README.md. */
#define _POSIX_C_SOURCE 200809L

#include <cjson/cJSON.h>
#include <kindctx.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Peak RSS of this process image: VmHWM from /proc/self/status. getrusage()'s
 * ru_maxrss (the peers' method) also counts the parent's peak when the parent
 * was large at fork + exec (Linux keeps the old image's high-water mark), so
 * it is only the fallback. */
static long peak_rss_kb(void)
{
    long kb = -1;
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");
    if (f) {
        while (fgets(line, sizeof line, f))
            if (strncmp(line, "VmHWM:", 6) == 0) {
                kb = strtol(line + 6, NULL, 10);
                break;
            }
        fclose(f);
    }
    if (kb < 0) {
        struct rusage u;
        getrusage(RUSAGE_SELF, &u);
        kb = u.ru_maxrss;
    }
    return kb;
}

static long cur_rss_kb(void)
{
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * 4;
}

static void die(const char *what, kc_status s, const kc_error *err)
{
    char msg[1024] = "";
    if (err && err->status != KC_OK)
        kc_error_format(err, msg, sizeof msg);
    fprintf(stderr, "kindctx_bench: %s: %s%s%s\n", what, kc_strerror(s), msg[0] ? ": " : "", msg);
    exit(1);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fputs("kindctx_bench: out of memory\n", stderr);
            exit(1);
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    fclose(f);
    *len = n;
    return buf;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A timing sample set: at least min_runs calls and at least min_total seconds
 * (at most 2000 calls); median, min and max of the per-call times in ms. */
typedef struct timing {
    double median, min, max;
    int runs;
} timing;

#define MAX_SAMPLES 2000

static timing summarise(double *ms, int n)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    timing t = {ms[n / 2], ms[0], ms[n - 1], n};
    if (n % 2 == 0)
        t.median = (ms[n / 2 - 1] + ms[n / 2]) / 2;
    return t;
}

typedef struct load_job {
    kc_ctx *ctx;
    const char *path;
    const char *text;
    size_t len;
} load_job;

enum { LOAD_FILE, LOAD_STRING, PARSE_KC, PARSE_CJSON };

static void load_once(const load_job *job, int what)
{
    kc_error err;
    kc_status s = KC_OK;
    switch (what) {
    case LOAD_FILE: {
        kc_ruleset *rs = NULL;
        s = kc_ruleset_load_file(job->ctx, job->path, &rs, &err);
        kc_ruleset_free(rs);
        break;
    }
    case LOAD_STRING: {
        kc_ruleset *rs = NULL;
        s = kc_ruleset_load_string(job->ctx, job->text, job->len, job->path, &rs, &err);
        kc_ruleset_free(rs);
        break;
    }
    case PARSE_KC: {
        kc_doc *d = NULL;
        s = kc_doc_parse_ex(job->ctx, job->text, job->len, job->path, KC_PARSE_POSITIONS, &d, &err);
        kc_doc_free(d);
        break;
    }
    default: {
        cJSON *j = cJSON_ParseWithLength(job->text, job->len);
        if (!j) {
            fputs("kindctx_bench: cJSON cannot parse the rule file\n", stderr);
            exit(1);
        }
        cJSON_Delete(j);
        break;
    }
    }
    if (s != KC_OK)
        die(job->path, s, &err);
}

static timing time_load(const load_job *job, int what, int min_runs, double min_total)
{
    static double ms[MAX_SAMPLES];
    int n = 0;
    double total = 0;
    while (n < MAX_SAMPLES && (n < min_runs || total < min_total)) {
        double t0 = now_s();
        load_once(job, what);
        double dt = now_s() - t0;
        ms[n++] = dt * 1e3;
        total += dt;
    }
    return summarise(ms, n);
}

/* Writes s as a JSON string. */
static void put_json_string(FILE *f, const char *s)
{
    putc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            putc(*p, f);
    }
    putc('"', f);
}

static void usage(FILE *f)
{
    fputs("usage: kindctx_bench --rules FILE --data JSONL [--scenarios N] [--min-seconds S]\n"
          "                     [--out FILE] [--load-runs N] [--findings] [--label NAME]\n"
          "                     [--pipeline-seconds S] [--layout compact|plain]\n"
          "       kindctx_bench --rules FILE --load-only [--load-runs N]\n",
          f);
}

int main(int argc, char **argv)
{
    const char *rules_path = NULL, *data_path = NULL, *out_path = NULL, *label = NULL;
    long max_scen = 10000;
    double min_seconds = 2, pipeline_s = 0;
    int load_runs = 11, findings = 0, load_only = 0;
    unsigned parse_flags = KC_PARSE_COMPACT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--load-only") == 0) {
            load_only = 1;
            continue;
        }
        if (strcmp(a, "--findings") == 0) {
            findings = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (!v) {
            usage(stderr);
            return 2;
        }
        if (strcmp(a, "--rules") == 0)
            rules_path = v;
        else if (strcmp(a, "--data") == 0)
            data_path = v;
        else if (strcmp(a, "--out") == 0)
            out_path = v;
        else if (strcmp(a, "--label") == 0)
            label = v;
        else if (strcmp(a, "--scenarios") == 0)
            max_scen = strtol(v, NULL, 10);
        else if (strcmp(a, "--min-seconds") == 0)
            min_seconds = strtod(v, NULL);
        else if (strcmp(a, "--pipeline-seconds") == 0)
            pipeline_s = strtod(v, NULL);
        else if (strcmp(a, "--load-runs") == 0)
            load_runs = (int)strtol(v, NULL, 10);
        else if (strcmp(a, "--layout") == 0 && strcmp(v, "compact") == 0)
            parse_flags = KC_PARSE_COMPACT;
        else if (strcmp(a, "--layout") == 0 && strcmp(v, "plain") == 0)
            parse_flags = 0;
        else {
            fprintf(stderr, "kindctx_bench: unknown argument %s\n", a);
            usage(stderr);
            return 2;
        }
        i++;
    }
    if (!rules_path || (!data_path && !load_only) || max_scen < 1 || load_runs < 1) {
        usage(stderr);
        return 2;
    }

    kc_ctx *ctx = NULL;
    kc_status s = kc_ctx_create(&ctx, NULL);
    if (s != KC_OK)
        die("kc_ctx_create", s, NULL);
    /* The 4,100-rule file is 3.5 MB: above the default 1 MiB input limit. */
    kc_ctx_set_limit(ctx, KC_LIMIT_INPUT_BYTES, (size_t)1 << 30);
    kc_ctx_set_limit(ctx, KC_LIMIT_NODES, (size_t)1 << 26);
    kc_error err;

    /* 1. Scenarios, untimed. */
    size_t nscen = 0;
    kc_doc **docs = NULL;
    const char **ids = NULL;
    double scen_parse_s = 0;
    size_t data_len = 0;
    char *data = NULL;
    size_t *line_off = NULL, *line_len = NULL;
    if (!load_only) {
        data = read_file(data_path, &data_len);
        size_t cap = 1024;
        docs = malloc(cap * sizeof *docs);
        ids = malloc(cap * sizeof *ids);
        line_off = malloc(cap * sizeof *line_off);
        line_len = malloc(cap * sizeof *line_len);
        double t0 = now_s();
        for (size_t pos = 0; pos < data_len && (long)nscen < max_scen;) {
            const char *line = data + pos;
            const char *nl = memchr(line, '\n', data_len - pos);
            size_t len = nl ? (size_t)(nl - line) : data_len - pos;
            pos += len + 1;
            if (len == 0)
                continue;
            if (nscen == cap) {
                cap *= 2;
                docs = realloc(docs, cap * sizeof *docs);
                ids = realloc(ids, cap * sizeof *ids);
                line_off = realloc(line_off, cap * sizeof *line_off);
                line_len = realloc(line_len, cap * sizeof *line_len);
            }
            if (!docs || !ids || !line_off || !line_len)
                die("scenarios", KC_ENOMEM, NULL);
            s = kc_doc_parse_ex(ctx, line, len, data_path, parse_flags, &docs[nscen], &err);
            if (s != KC_OK)
                die("scenario", s, &err);
            const kc_value *id = kc_value_get(kc_doc_root(docs[nscen]), "id", 2);
            ids[nscen] = kc_value_string(id, NULL);
            line_off[nscen] = (size_t)(line - data);
            line_len[nscen] = len;
            if (!ids[nscen])
                ids[nscen] = "";
            nscen++;
        }
        scen_parse_s = now_s() - t0;
        if (pipeline_s <= 0) {
            free(data);
            data = NULL;
        }
    }
    long rss_data = cur_rss_kb();

    /* 2. Load / compile of the rule file, and cJSON's parse of the same text. */
    load_job job = {ctx, rules_path, NULL, 0};
    size_t rules_len = 0;
    char *rules_text = read_file(rules_path, &rules_len);
    job.text = rules_text;
    job.len = rules_len;
    timing t_file = time_load(&job, LOAD_FILE, load_runs, 0.5);
    timing t_string = time_load(&job, LOAD_STRING, load_runs, 0.5);
    timing t_kcparse = time_load(&job, PARSE_KC, load_runs, 0.5);
    timing t_cjson = time_load(&job, PARSE_CJSON, load_runs, 0.5);

    kc_ruleset *rs = NULL;
    s = kc_ruleset_load_file(ctx, rules_path, &rs, &err);
    if (s != KC_OK)
        die(rules_path, s, &err);
    size_t nrules = kc_ruleset_rule_count(rs);

    kc_result *res = NULL;
    s = kc_result_create(ctx, &res);
    if (s != KC_OK)
        die("kc_result_create", s, NULL);

    /* 3. Pass 1: capture outputs (and warm up). */
    FILE *out = NULL;
    if (out_path && !load_only) {
        out = fopen(out_path, "w");
        if (!out) {
            perror(out_path);
            return 1;
        }
    }
    size_t undecided = 0;
    double t1 = now_s();
    for (size_t i = 0; i < nscen; i++) {
        s = kc_evaluate(rs, kc_doc_root(docs[i]), res, &err);
        if (s != KC_OK)
            die(ids[i], s, &err);
        undecided += kc_result_undecided_count(res);
        if (out) {
            fputs("{\"id\":", out);
            put_json_string(out, ids[i]);
            fprintf(out, ",\"score\":%.17g,\"verdict\":", kc_result_score(res));
            put_json_string(out, kc_result_verdict(res));
            fputs(",\"fired\":[", out);
            for (size_t k = 0; k < kc_result_fired_count(res); k++) {
                kc_finding fd;
                s = kc_result_fired(res, k, &fd);
                if (s != KC_OK)
                    die("kc_result_fired", s, NULL);
                if (k)
                    putc(',', out);
                put_json_string(out, fd.rule);
            }
            fputs("]}\n", out);
        }
    }
    double first_ms = (now_s() - t1) * 1e3;
    if (out && fclose(out) != 0) {
        perror(out_path);
        return 1;
    }

    /* 4. Timed passes. */
    double checksum = 0;
    long evals = 0, passes = 0;
    double t2 = now_s(), el = 0;
    if (nscen) {
        do {
            for (size_t i = 0; i < nscen; i++) {
                if (kc_evaluate(rs, kc_doc_root(docs[i]), res, NULL) != KC_OK)
                    die(ids[i], KC_EINVAL, NULL);
                size_t nf = kc_result_fired_count(res);
                if (findings) {
                    for (size_t k = 0; k < nf; k++) {
                        kc_finding fd;
                        if (kc_result_fired(res, k, &fd) != KC_OK)
                            die("kc_result_fired", KC_ENOMEM, NULL);
                    }
                }
                checksum += kc_result_score(res) + (double)nf;
            }
            evals += (long)nscen;
            passes++;
            el = now_s() - t2;
        } while (el < min_seconds);
    }

    /* 5. Optional: the library's share of a batch, per JSON Lines line. */
    double pipe_parse_us = 0, pipe_json_us = 0, pipeline_us = 0, pipe_out_bytes = 0;
    double pipe_brief_us = 0;
    if (pipeline_s > 0 && nscen) {
        char brief[4096];
        for (int stage = 0; stage < 4; stage++) {
            long n = 0;
            size_t bytes = 0;
            double t3 = now_s(), el3;
            do {
                for (size_t i = 0; i < nscen; i++) {
                    kc_doc *d = NULL;
                    const kc_value *root = kc_doc_root(docs[i]);
                    if (stage != 1) {
                        s = kc_doc_parse_ex(ctx, data + line_off[i], line_len[i], data_path, 0,
                                            &d, &err);
                        if (s != KC_OK)
                            die("scenario", s, &err);
                        root = kc_doc_root(d);
                    }
                    if (stage == 3) {
                        /* What a compact output ({"id","score","verdict","fired"},
                         * as --out writes) would cost instead of the full result. */
                        if (kc_evaluate(rs, root, res, NULL) != KC_OK)
                            die("kc_evaluate", KC_ENOMEM, NULL);
                        int w = snprintf(brief, sizeof brief,
                                         "{\"id\":\"%s\",\"score\":%g,\"verdict\":\"%s\","
                                         "\"fired\":[",
                                         ids[i], kc_result_score(res), kc_result_verdict(res));
                        size_t bl = w > 0 ? (size_t)w : 0;
                        for (size_t k = 0; k < kc_result_fired_count(res); k++) {
                            kc_finding fd;
                            if (kc_result_fired(res, k, &fd) != KC_OK)
                                die("kc_result_fired", KC_ENOMEM, NULL);
                            size_t rl = strlen(fd.rule);
                            if (bl + rl + 8 < sizeof brief) {
                                if (k)
                                    brief[bl++] = ',';
                                brief[bl++] = '"';
                                memcpy(brief + bl, fd.rule, rl);
                                bl += rl;
                                brief[bl++] = '"';
                            }
                        }
                        memcpy(brief + bl, "]}\n", 3);
                        bytes += bl + 3;
                    } else if (stage != 0) {
                        char *json = NULL;
                        size_t jlen = 0;
                        if (kc_evaluate(rs, root, res, NULL) != KC_OK ||
                            kc_result_to_json(res, 0, &json, &jlen) != KC_OK)
                            die("kc_result_to_json", KC_ENOMEM, NULL);
                        bytes += jlen + 1;
                        kc_free(ctx, json);
                    }
                    kc_doc_free(d);
                }
                n += (long)nscen;
                el3 = now_s() - t3;
            } while (el3 < pipeline_s / 4);
            double us = el3 * 1e6 / (double)n;
            if (stage == 0)
                pipe_parse_us = us;
            else if (stage == 1)
                pipe_json_us = us;
            else if (stage == 2) {
                pipeline_us = us;
                pipe_out_bytes = (double)bytes / (double)n;
            } else
                pipe_brief_us = us;
        }
    }

    char engine[160];
    snprintf(engine, sizeof engine, "%s", label ? label : "");
    if (!label)
        snprintf(engine, sizeof engine, "kindctx-%s%s", kc_version(), findings ? ":findings" : "");
    printf("{\"engine\":");
    put_json_string(stdout, engine);
    printf(",\"rules\":%zu,\"scenarios\":%zu,\"passes\":%ld,\"evaluations\":%ld,"
           "\"seconds\":%.3f,\"scen_per_s\":%.0f,\"us_per_scen\":%.4f,"
           "\"load_ms\":%.3f,\"first_pass_ms\":%.1f,\"rss_after_data_kb\":%ld,"
           "\"peak_rss_kb\":%ld,\"checksum\":%.17g,",
           nrules, nscen, passes, evals, el, evals ? (double)evals / el : 0.0,
           evals ? el * 1e6 / (double)evals : 0.0, t_file.median, first_ms, rss_data,
           peak_rss_kb(), checksum);
    printf("\"load_file_ms\":[%.4f,%.4f,%.4f],\"load_string_ms\":[%.4f,%.4f,%.4f],"
           "\"kc_parse_ms\":[%.4f,%.4f,%.4f],\"cjson_parse_ms\":[%.4f,%.4f,%.4f],"
           "\"load_runs\":%d,\"load_vs_cjson\":%.3f,\"rule_bytes\":%zu,"
           "\"scen_parse_us\":%.3f,\"layout\":\"%s\",\"data_bytes\":%zu,\"undecided\":%zu",
           t_file.median, t_file.min, t_file.max, t_string.median, t_string.min, t_string.max,
           t_kcparse.median, t_kcparse.min, t_kcparse.max, t_cjson.median, t_cjson.min,
           t_cjson.max, t_file.runs, t_string.median / t_cjson.median, rules_len,
           nscen ? scen_parse_s * 1e6 / (double)nscen : 0.0, parse_flags ? "compact" : "plain",
           data_len, undecided);
    if (pipeline_s > 0)
        printf(",\"pipe_parse_us\":%.3f,\"pipe_eval_json_us\":%.3f,\"pipeline_us\":%.3f,"
               "\"pipe_out_bytes\":%.0f,\"pipe_brief_us\":%.3f",
               pipe_parse_us, pipe_json_us, pipeline_us, pipe_out_bytes, pipe_brief_us);
    puts("}");

    kc_result_free(res);
    kc_ruleset_free(rs);
    for (size_t i = 0; i < nscen; i++)
        kc_doc_free(docs[i]);
    free(docs);
    free((void *)ids);
    free(rules_text);
    free(data);
    free(line_off);
    free(line_len);
    kc_ctx_free(ctx);
    return 0;
}
