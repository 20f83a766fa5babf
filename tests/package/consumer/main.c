/* consumer.c - a program outside kindctx's source tree, built against an
 * installed kindctx (find_package or pkg-config) by tests/package/consumer_test.sh.
 * It checks that the header and the library agree on the version, loads the
 * bundled rule set, judges one scenario, prints the verdict, the first
 * finding's explanation and the summary, and frees everything.
 * Exit status 0 on success, 1 on any failure. */
#include <stdio.h>
#include <string.h>

#include <kindctx.h>

static const char scenario[] =
    "{\"kindctx\": \"scenario/1\", \"id\": \"consumer-flowers-allergic\","
    " \"act\": {\"kind\": \"flowers\", \"category\": \"gift\","
    "  \"features\": [\"pollen\", \"scented\"], \"meets\": [\"beauty\", \"comfort\"]},"
    " \"request\": {\"asked\": false, \"needs\": [\"comfort\", \"rest\"]},"
    " \"receiver\": {\"allergies\": [\"pollen\"]},"
    " \"relationship\": {\"type\": \"friend\", \"wanted\": true, \"trust\": 0.8},"
    " \"intent\": {\"benevolent\": true}}";

static int fail(const char *what, kc_status st, const kc_error *err)
{
    char msg[512] = "";
    if (err)
        kc_error_format(err, msg, sizeof msg);
    fprintf(stderr, "consumer: %s: %s %s\n", what, kc_status_name(st), msg);
    return 1;
}

int main(void)
{
    /* The header this was compiled with and the library it runs with agree. */
    printf("header %s, library %s\n", KC_VERSION_STRING, kc_version());
    if (strcmp(kc_version(), KC_VERSION_STRING) != 0 ||
        kc_version_number() != KC_VERSION_NUMBER) {
        fprintf(stderr, "consumer: header/library version mismatch\n");
        return 1;
    }

    kc_ctx *ctx = NULL;
    kc_ruleset *rs = NULL;
    kc_scenario *sc = NULL;
    kc_result *res = NULL;
    kc_error err;
    kc_status st;
    int rc = 1;

    if ((st = kc_ctx_create(&ctx, NULL)) != KC_OK) {
        rc = fail("kc_ctx_create", st, NULL);
        goto done;
    }
    if ((st = kc_ruleset_load_default(ctx, &rs, &err)) != KC_OK) {
        rc = fail("kc_ruleset_load_default", st, &err);
        goto done;
    }
    if ((st = kc_scenario_parse(ctx, scenario, strlen(scenario), "<consumer>", &sc, &err)) !=
        KC_OK) {
        rc = fail("kc_scenario_parse", st, &err);
        goto done;
    }
    if ((st = kc_result_create(ctx, &res)) != KC_OK) {
        rc = fail("kc_result_create", st, NULL);
        goto done;
    }
    if ((st = kc_evaluate(rs, kc_scenario_root(sc), res, &err)) != KC_OK) {
        rc = fail("kc_evaluate", st, &err);
        goto done;
    }

    const char *verdict = kc_result_verdict(res);
    const char *summary = kc_result_summary(res);
    if (!verdict || !summary) {
        fprintf(stderr, "consumer: no verdict or summary\n");
        goto done;
    }
    printf("rules: %s %s (%zu rules)\n", kc_ruleset_name(rs), kc_ruleset_version(rs),
           kc_ruleset_rule_count(rs));
    printf("verdict: %s (%s), score %g\n", verdict, kc_result_verdict_label(res),
           kc_result_score(res));
    if (kc_result_fired_count(res) > 0) {
        kc_finding f;
        if ((st = kc_result_fired(res, 0, &f)) != KC_OK) {
            rc = fail("kc_result_fired", st, NULL);
            goto done;
        }
        printf("because (%s): %s\n", f.rule, f.because);
    }
    printf("summary: %s\n", summary);
    rc = 0;

done:
    kc_result_free(res); /* results first: they refer to the rule set and scenario */
    kc_scenario_free(sc);
    kc_ruleset_free(rs);
    kc_ctx_free(ctx);
    return rc;
}
