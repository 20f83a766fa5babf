/* cmd_batch.c - `kindctx batch`: judge JSON Lines of scenarios, in parallel.
 *
 * Input: one scenario per line (standard input, or --input FILE).
 * Output: exactly one line per input line, in input order:
 *   the result, as compact JSON (docs/results.md), or
 *   {"line": N, "error": {"status": "KC_ESYNTAX", "message": "...", "line": N, "column": C}}
 *
 * The pipeline. The main thread reads the input in large blocks, cuts it into
 * chunks of whole lines (at most CHUNK_LINES lines, about CHUNK_BYTES bytes)
 * and writes finished chunks out in order; while the oldest chunk is not done
 * it judges ready chunks itself, so `-j N` runs on N threads in all: the main
 * thread and N - 1 workers, each judging every line of a chunk into that
 * chunk's own output buffer (with -j 1 there are no other threads at all). The
 * rule set and the context are shared read-only; each judging thread owns one
 * kc_result, reused for every line. Chunks live in a ring of slots whose
 * buffers are reused, so the only synchronisation is one mutex acquisition
 * per chunk, and output is one fwrite() per chunk.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define BLOCK_BYTES (1u << 20) /* one read(2) */
/* Chunks are small so the threads finish together: when the input runs out,
 * one thread may still be judging its last chunk while the others have
 * nothing left, so the last chunk's time is lost on every other thread
 * (with -j 2 over 10,000 lines the two threads ended their last chunks
 * 1.8 ms apart on average with 256-line chunks, 0.3 ms with 64, in runs of
 * about 60 ms). The cost per chunk is one mutex round and one fwrite(). */
#define CHUNK_LINES 64u
#define CHUNK_BYTES (128u << 10)
#define MAX_JOBS 256

static void usage(FILE *f)
{
    fputs("usage: kindctx batch [--rules FILE]... [-j N] [--input FILE] [--lax] [--brief]\n"
          "                     [--no-progress]\n"
          "\n"
          "Judges JSON Lines of scenarios: one scenario per input line, read from\n"
          "standard input (or --input FILE), and writes exactly one JSON line per\n"
          "input line to standard output, in input order - blank lines included:\n"
          "  the result, as `kindctx eval --json` writes it (without \"changes\",\n"
          "  which `eval --json` adds), or\n"
          "  {\"line\": N, \"error\": {\"status\": \"KC_ESYNTAX\", \"message\": \"...\",\n"
          "                        \"line\": N, \"column\": C}}\n"
          "for a line that cannot be judged (N is the input line number, from 1).\n"
          "A bad line never stops the others.\n"
          "\n"
          "  -r, --rules FILE   rule file; repeat to compose (see kindctx eval --help)\n"
          "  -j, --jobs N       judge on N threads sharing one rule set (default 1,\n"
          "                     at most 256); the output order does not change\n"
          "  -i, --input FILE   read FILE instead of standard input (- is stdin)\n"
          "  --brief            write only {\"scenario\", \"verdict\", \"score\", \"fired\"}\n"
          "                     (fired rule ids, largest contribution first): no\n"
          "                     explanations are rendered, so it is much faster\n"
          "  --lax              check each line is a JSON object only, not a valid\n"
          "                     scenario (for foreign scenario shapes)\n"
          "  --no-progress      no progress bar (one is shown on standard error when\n"
          "                     it is a terminal and --input is a regular file)\n"
          "\n"
          "Exit status: 0 every line was judged; 1 some lines could not be judged\n"
          "(or a rule file has problems); 2 usage; 3 a read or write error; 4 out\n"
          "of memory.\n",
          f);
}

/* ---- chunks ----------------------------------------------------------- */

typedef struct span {
    size_t off, len;
} span;

enum { SLOT_FREE, SLOT_READY, SLOT_BUSY, SLOT_DONE };

typedef struct chunk {
    char *data; /* the lines' bytes, without newlines */
    size_t len, cap;
    span *lines;
    size_t nlines, lines_cap;
    uint64_t first_line; /* number of lines[0], from 1 */
    uint64_t end_offset; /* input bytes consumed up to the end of this chunk */
    cli_buf out;         /* one output line per input line */
    size_t failed;       /* lines that got an error object */
    int fatal;           /* a worker ran out of memory on this chunk */
    int state;
} chunk;

static void chunk_free(chunk *c)
{
    free(c->data);
    free(c->lines);
    cli_buf_free(&c->out);
}

static int chunk_reserve(chunk *c, size_t extra)
{
    if (extra <= c->cap - c->len)
        return 0;
    size_t ncap = c->cap ? c->cap : CHUNK_BYTES + 4096;
    while (ncap - c->len < extra)
        ncap *= 2;
    char *nd = realloc(c->data, ncap);
    if (!nd)
        return -1;
    c->data = nd;
    c->cap = ncap;
    return 0;
}

static int chunk_add_line(chunk *c, size_t off, size_t len)
{
    if (c->nlines == c->lines_cap) {
        size_t ncap = c->lines_cap ? c->lines_cap * 2 : CHUNK_LINES;
        span *nl = realloc(c->lines, ncap * sizeof *nl);
        if (!nl)
            return -1;
        c->lines = nl;
        c->lines_cap = ncap;
    }
    c->lines[c->nlines].off = off;
    c->lines[c->nlines].len = len;
    c->nlines++;
    return 0;
}

/* ---- reading: blocks in, whole lines out -------------------------------- */

typedef struct reader {
    int fd;
    char *buf;
    size_t pos, len;
    int eof, short_read, err; /* err: errno of a failed read */
    uint64_t consumed;        /* input bytes handed out */
    uint64_t next_line;
    size_t maxline; /* bytes kept of one line; the rest is dropped (and the
                     * line rejected by the parser's size limit) */
} reader;

static int reader_refill(reader *r)
{
    ssize_t n;
    do
        n = read(r->fd, r->buf, BLOCK_BYTES);
    while (n < 0 && errno == EINTR);
    r->pos = 0;
    r->len = n > 0 ? (size_t)n : 0;
    if (n < 0)
        r->err = errno;
    if (n <= 0)
        r->eof = 1;
    r->short_read = n < (ssize_t)BLOCK_BYTES;
    return n > 0;
}

/*
 * Fills c with the next lines: up to CHUNK_LINES of them, stopping at a line
 * boundary once about CHUNK_BYTES are in, or earlier when the input has no
 * more data ready (a pipe or terminal) and at least one line is complete.
 * A line ends at "\n"; a "\r" before it is dropped; the last line needs no
 * "\n". c->nlines is 0 at the end of input. Returns 0, or -1 out of memory.
 */
static int reader_fill(reader *r, chunk *c)
{
    c->len = 0;
    c->nlines = 0;
    c->first_line = r->next_line;
    int in_line = 0;
    size_t start = 0, kept = 0;
    for (;;) {
        if (!in_line && (c->nlines >= CHUNK_LINES || c->len >= CHUNK_BYTES))
            break;
        if (r->pos == r->len) {
            if (r->eof || (!in_line && c->nlines > 0 && r->short_read))
                break;
            if (!reader_refill(r))
                break;
        }
        const char *p = r->buf + r->pos;
        size_t avail = r->len - r->pos;
        const char *nl = memchr(p, '\n', avail);
        size_t seg = nl ? (size_t)(nl - p) : avail;
        if (!in_line) {
            in_line = 1;
            start = c->len;
            kept = 0;
        }
        size_t take = seg;
        if (take > r->maxline - kept)
            take = r->maxline - kept;
        if (take) {
            if (chunk_reserve(c, take))
                return -1;
            memcpy(c->data + c->len, p, take);
            c->len += take;
            kept += take;
        }
        size_t used = seg + (nl ? 1 : 0);
        r->pos += used;
        r->consumed += used;
        if (nl) {
            size_t len = c->len - start;
            if (len > 0 && c->data[c->len - 1] == '\r')
                len--;
            if (chunk_add_line(c, start, len))
                return -1;
            in_line = 0;
        }
    }
    if (in_line) { /* the last line, without a newline */
        size_t len = c->len - start;
        if (len > 0 && c->data[c->len - 1] == '\r')
            len--;
        if (chunk_add_line(c, start, len))
            return -1;
    }
    r->next_line += c->nlines;
    c->end_offset = r->consumed;
    return 0;
}

/* ---- judging one line ----------------------------------------------------- */

typedef struct batch {
    kc_ctx *ctx;
    const kc_ruleset *rs;
    const char *source; /* names the input in the library's messages */
    int lax;
    int brief; /* --brief: verdict, score and fired rule ids only */

    pthread_mutex_t mu;
    pthread_cond_t work_cv; /* a chunk became ready, or input ended */
    pthread_cond_t done_cv; /* a chunk was finished */
    chunk *slots;
    size_t nslots;
    uint64_t filled; /* chunks handed to workers so far (sequence numbers) */
    uint64_t taken;  /* chunks taken by workers */
    int closed;      /* no more chunks will come */
} batch;

static void error_object(cli_buf *out, uint64_t lineno, const kc_error *err)
{
    cli_buf_printf(out, "{\"line\":%llu,\"error\":{\"status\":", (unsigned long long)lineno);
    const char *name = kc_status_name(err->status);
    cli_buf_json_string(out, name, strlen(name));
    cli_buf_puts(out, ",\"message\":");
    cli_buf_json_string(out, err->message, strlen(err->message));
    cli_buf_printf(out, ",\"line\":%llu", (unsigned long long)lineno);
    if (err->column)
        cli_buf_printf(out, ",\"column\":%u", err->column);
    if (err->path[0]) {
        cli_buf_puts(out, ",\"path\":");
        cli_buf_json_string(out, err->path, strlen(err->path));
    }
    cli_buf_puts(out, "}}\n");
}

/* Judges one line into out. Returns 0 judged, 1 an error object was written,
 * -1 out of memory. */
static int judge_line(const batch *b, kc_result *res, const char *text, size_t len,
                      uint64_t lineno, cli_buf *out)
{
    kc_error err;
    kc_scenario *sc = NULL;
    kc_doc *doc = NULL;
    const kc_value *root;
    kc_status st;
    if (b->lax) {
        st = kc_doc_parse_ex(b->ctx, text, len, b->source, 0, &doc, &err);
        root = kc_doc_root(doc);
        if (st == KC_OK && kc_value_type(root) != KC_TYPE_OBJECT) {
            memset(&err, 0, sizeof err);
            err.status = st = KC_ESCHEMA;
            err.line = err.column = 1;
            snprintf(err.message, sizeof err.message, "a scenario must be a JSON object");
        }
    } else {
        st = kc_scenario_parse(b->ctx, text, len, b->source, &sc, &err);
        root = kc_scenario_root(sc);
    }
    if (st == KC_OK)
        st = kc_evaluate(b->rs, root, res, &err);
    int rc;
    if (st == KC_ENOMEM) {
        rc = -1;
    } else if (st) {
        err.status = st;
        error_object(out, lineno, &err);
        rc = 1;
    } else {
        /* The result's own buffer: no allocation per line once warm. */
        size_t jlen = 0;
        const char *json = kc_result_json(res, b->brief ? KC_JSON_BRIEF : 0u, &jlen);
        if (!json) {
            rc = -1;
        } else {
            cli_buf_add(out, json, jlen);
            cli_buf_add(out, "\n", 1);
            rc = 0;
        }
    }
    kc_scenario_free(sc);
    kc_doc_free(doc);
    return out->oom ? -1 : rc;
}

static void judge_chunk(const batch *b, kc_result *res, chunk *c)
{
    c->out.len = 0;
    c->failed = 0;
    c->fatal = 0;
    for (size_t i = 0; i < c->nlines; i++) {
        const span *s = &c->lines[i];
        int rc = judge_line(b, res, c->data + s->off, s->len, c->first_line + i, &c->out);
        if (rc < 0) {
            c->fatal = 1;
            return;
        }
        c->failed += (size_t)rc;
    }
}

typedef struct worker {
    batch *b;
    kc_result *res;
    pthread_t tid;
    int started;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    batch *b = w->b;
    pthread_mutex_lock(&b->mu);
    for (;;) {
        while (b->taken == b->filled && !b->closed)
            pthread_cond_wait(&b->work_cv, &b->mu);
        if (b->taken == b->filled)
            break; /* closed and nothing left */
        chunk *c = &b->slots[b->taken % b->nslots];
        b->taken++;
        c->state = SLOT_BUSY;
        pthread_mutex_unlock(&b->mu);
        judge_chunk(b, w->res, c);
        pthread_mutex_lock(&b->mu);
        c->state = SLOT_DONE;
        pthread_cond_signal(&b->done_cv);
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

/* ---- progress ----------------------------------------------------------- */

typedef struct progress {
    int on;
    uint64_t total; /* input bytes */
    double start, last;
    int shown;
} progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_show(progress *p, uint64_t done_bytes, uint64_t lines, int force)
{
    if (!p->on)
        return;
    double t = now_s();
    if (!force && p->shown && t - p->last < 0.1)
        return; /* at most ten times a second, but at once the first time */
    p->last = t;
    double frac = p->total ? (double)done_bytes / (double)p->total : 1.0;
    if (frac > 1.0)
        frac = 1.0;
    double el = t - p->start;
    double rate = el > 0 ? (double)lines / el : 0;
    char bar[25];
    int fill = (int)(frac * 24.0);
    for (int i = 0; i < 24; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[24] = '\0';
    char eta[32] = "--:--";
    if (frac > 0.0 && el > 0.2) {
        double rest = el / frac - el;
        if (rest < 0)
            rest = 0;
        unsigned long s = (unsigned long)(rest + 0.5);
        snprintf(eta, sizeof eta, "%lu:%02lu", s / 60, s % 60);
    }
    fprintf(stderr, "\r[%s] %3d%%  %.0f scenarios/s  ETA %s ", bar, (int)(frac * 100.0), rate,
            eta);
    fflush(stderr);
    p->shown = 1;
}

static void progress_clear(progress *p)
{
    if (p->on && p->shown) {
        fprintf(stderr, "\r%72s\r", "");
        fflush(stderr);
    }
}

/* ---- the command -------------------------------------------------------- */

static int parse_jobs(const char *s, int *jobs)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > MAX_JOBS)
        return -1;
    *jobs = (int)v;
    return 0;
}

typedef struct batch_args {
    int jobs, lax, brief, no_progress;
    const char *input;
} batch_args;

/* Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, batch_args *a)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char *val = NULL;
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            usage(stdout);
            return KC_EXIT_OK;
        } else if (strcmp(arg, "--lax") == 0) {
            a->lax = 1;
        } else if (strcmp(arg, "--brief") == 0) {
            a->brief = 1;
        } else if (strcmp(arg, "--no-progress") == 0) {
            a->no_progress = 1;
        } else if (strcmp(arg, "-j") == 0 || strcmp(arg, "--jobs") == 0 ||
                   strcmp(arg, "-i") == 0 || strcmp(arg, "--input") == 0) {
            if (i + 1 >= argc) {
                cli_errorf("batch: %s needs a value (see kindctx batch --help)", arg);
                return KC_EXIT_USAGE;
            }
            val = argv[++i];
        } else if (strncmp(arg, "-j", 2) == 0 && arg[2] != '-') {
            val = arg + 2;
        } else if (strncmp(arg, "--jobs=", 7) == 0) {
            val = arg + 7;
        } else if (strncmp(arg, "--input=", 8) == 0) {
            val = arg + 8;
        } else {
            cli_errorf("batch: %s '%s' (see kindctx batch --help)",
                       arg[0] == '-' && arg[1] ? "unknown option" : "unexpected argument", arg);
            return KC_EXIT_USAGE;
        }
        if (!val)
            continue;
        if (arg[1] == 'j' || strncmp(arg, "--jobs", 6) == 0) {
            if (parse_jobs(val, &a->jobs)) {
                cli_errorf("batch: -j needs a number of threads from 1 to %d, not '%s'",
                           MAX_JOBS, val);
                return KC_EXIT_USAGE;
            }
        } else {
            a->input = val;
        }
    }
    return -1;
}

/* Runs the pipeline, judging on the main thread with w[0] and on the
 * started threads of w[1..nw); returns an exit code. */
static int run(batch *b, reader *r, worker *w, int nw, progress *prog)
{
    uint64_t written = 0, lines_out = 0;
    size_t failed = 0;
    int input_done = 0, fatal = 0, write_error = 0;
    for (;;) {
        /* Hand out as many chunks as there are free slots. */
        while (!input_done && b->filled - written < b->nslots) {
            chunk *c = &b->slots[b->filled % b->nslots];
            if (reader_fill(r, c)) {
                fatal = 1;
                break;
            }
            if (c->nlines == 0) {
                input_done = 1;
                break;
            }
            pthread_mutex_lock(&b->mu);
            c->state = SLOT_READY;
            b->filled++;
            pthread_cond_signal(&b->work_cv);
            pthread_mutex_unlock(&b->mu);
        }
        if (fatal || written == b->filled)
            break;
        /* Write the oldest chunk once it is done; judge ready chunks meanwhile. */
        chunk *c = &b->slots[written % b->nslots];
        pthread_mutex_lock(&b->mu);
        while (c->state != SLOT_DONE) {
            if (b->taken < b->filled) {
                chunk *t = &b->slots[b->taken % b->nslots];
                b->taken++;
                t->state = SLOT_BUSY;
                pthread_mutex_unlock(&b->mu);
                judge_chunk(b, w[0].res, t);
                pthread_mutex_lock(&b->mu);
                t->state = SLOT_DONE;
                continue;
            }
            pthread_cond_wait(&b->done_cv, &b->mu);
        }
        pthread_mutex_unlock(&b->mu);
        if (c->fatal) {
            fatal = 1;
            break;
        }
        if (fwrite(c->out.data, 1, c->out.len, stdout) != c->out.len) {
            write_error = errno;
            break;
        }
        failed += c->failed;
        lines_out += c->nlines;
        c->state = SLOT_FREE;
        written++;
        progress_show(prog, c->end_offset, lines_out, 0);
    }
    /* Done, or stopping early: the workers finish what they took, and stop. */
    pthread_mutex_lock(&b->mu);
    b->closed = 1;
    pthread_cond_broadcast(&b->work_cv);
    pthread_mutex_unlock(&b->mu);
    for (int i = 0; i < nw; i++)
        if (w[i].started)
            pthread_join(w[i].tid, NULL);
    progress_clear(prog);

    if (write_error || fflush(stdout) != 0 || ferror(stdout)) {
        cli_errorf("batch: error writing standard output: %s",
                   strerror(write_error ? write_error : errno));
        return KC_EXIT_IO;
    }
    if (fatal) {
        cli_errorf("batch: out of memory after line %llu", (unsigned long long)lines_out);
        return KC_EXIT_INTERNAL;
    }
    if (r->err) {
        cli_errorf("%s: read error after line %llu: %s", b->source,
                   (unsigned long long)lines_out, strerror(r->err));
        return KC_EXIT_IO;
    }
    if (failed) {
        cli_errorf("batch: %zu of %llu line%s could not be judged", failed,
                   (unsigned long long)lines_out, lines_out == 1 ? "" : "s");
        return KC_EXIT_FAIL;
    }
    return KC_EXIT_OK;
}

int cmd_batch(const cli_opts *o, int argc, char **argv)
{
    (void)o;
    size_t nrules = 0;
    int exit_code = KC_EXIT_OK;
    char **rules = cli_collect_rules("batch", &argc, argv, &nrules, &exit_code);
    if (!rules)
        return exit_code;
    batch_args a = {1, 0, 0, 0, NULL};
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0) {
        free(rules);
        return rc;
    }

    reader r = {0};
    r.next_line = 1;
    r.fd = STDIN_FILENO;
    const char *source = "<stdin>";
    progress prog = {0};
    if (a.input && strcmp(a.input, "-") != 0) {
        r.fd = open(a.input, O_RDONLY);
        if (r.fd < 0) {
            cli_errorf("%s: cannot open: %s", a.input, strerror(errno));
            free(rules);
            return KC_EXIT_IO;
        }
        source = a.input;
        struct stat stt;
        if (!a.no_progress && isatty(STDERR_FILENO) && fstat(r.fd, &stt) == 0 &&
            S_ISREG(stt.st_mode)) {
            prog.on = 1;
            prog.total = (uint64_t)stt.st_size;
            prog.start = prog.last = now_s();
        }
    }

    batch b = {0};
    b.source = source;
    b.lax = a.lax;
    b.brief = a.brief;
    kc_ruleset *rs = NULL;
    worker *w = NULL;
    int nw = a.jobs;
    int sync_ready = 0;
    if (kc_ctx_create(&b.ctx, NULL) != KC_OK) {
        cli_errorf("out of memory");
        rc = KC_EXIT_INTERNAL;
        goto done;
    }
    rc = cli_load_rules(b.ctx, rules, nrules, &rs);
    if (rc != KC_EXIT_OK)
        goto done;
    b.rs = rs;
    r.maxline = kc_ctx_limit(b.ctx, KC_LIMIT_INPUT_BYTES) + 1;
    r.buf = malloc(BLOCK_BYTES);
    b.nslots = 2 * (size_t)nw + 2;
    b.slots = calloc(b.nslots, sizeof *b.slots);
    w = calloc((size_t)nw, sizeof *w);
    if (!r.buf || !b.slots || !w) {
        cli_errorf("out of memory");
        rc = KC_EXIT_INTERNAL;
        goto done;
    }
    if (pthread_mutex_init(&b.mu, NULL) || pthread_cond_init(&b.work_cv, NULL) ||
        pthread_cond_init(&b.done_cv, NULL)) {
        cli_errorf("batch: cannot set up threads");
        rc = KC_EXIT_INTERNAL;
        goto done;
    }
    sync_ready = 1;
    for (int i = 0; i < nw; i++) {
        w[i].b = &b;
        if (kc_result_create(b.ctx, &w[i].res) != KC_OK) {
            cli_errorf("out of memory");
            rc = KC_EXIT_INTERNAL;
            goto done;
        }
    }
    /* w[0] is the main thread's. If a thread cannot start, the ones that did
     * (and the main thread) do all the work. */
    for (int i = 1; i < nw; i++) {
        if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
            break;
        w[i].started = 1;
    }
    rc = run(&b, &r, w, nw, &prog);

done:
    for (int i = 0; w && i < nw; i++)
        kc_result_free(w[i].res);
    free(w);
    for (size_t i = 0; b.slots && i < b.nslots; i++)
        chunk_free(&b.slots[i]);
    free(b.slots);
    if (sync_ready) {
        pthread_cond_destroy(&b.done_cv);
        pthread_cond_destroy(&b.work_cv);
        pthread_mutex_destroy(&b.mu);
    }
    free(r.buf);
    if (r.fd != STDIN_FILENO && r.fd >= 0)
        close(r.fd);
    kc_ruleset_free(rs);
    kc_ctx_free(b.ctx);
    free(rules);
    return rc;
}
