/* custom_rules.c - a user's own rules on top of the bundled set: one file
 * adds a rule and overrides a bundled one by id ("override": true).
 *
 *   ./custom_rules examples/custom/workplace.rules.json \
 *                  examples/custom/team-lunch-in-public.scenario.json */
#include <stdio.h>
#include <string.h>

#include "kindctx.h"

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s RULES.json SCENARIO.json\n", argv[0]);
        return 2;
    }
    kc_ctx *ctx = NULL;
    kc_builder *b = NULL;
    kc_ruleset *rules = NULL;
    kc_scenario *scenario = NULL;
    kc_result *result = NULL;
    kc_error err;
    int rc = 1;
    if (kc_ctx_create(&ctx, NULL) != KC_OK || kc_builder_create(ctx, &b) != KC_OK)
        return 1;
    /* Bundled rules first, then the user's file on top of them. */
    kc_builder_add_default(b);
    kc_builder_add_file(b, argv[1]);
    if (kc_builder_build(b, &rules) != KC_OK) {
        const kc_diag *d = kc_builder_diagnostics(b);
        for (size_t i = 0; i < kc_diag_count(d); i++) {
            char msg[512];
            kc_error_format(kc_diag_get(d, i), msg, sizeof msg);
            fprintf(stderr, "%s\n", msg);
        }
        goto done;
    }
    kc_rule_info info;
    if (kc_ruleset_find_rule(rules, "need.unasked-advice", &info) == KC_OK)
        printf("rule set %s %s: need.unasked-advice now weighs %g (from %s)\n",
               kc_ruleset_name(rules), kc_ruleset_version(rules), info.weight, info.file);
    if (kc_scenario_load_file(ctx, argv[2], &scenario, &err) != KC_OK ||
        kc_result_create(ctx, &result) != KC_OK ||
        kc_evaluate(rules, kc_scenario_root(scenario), result, &err) != KC_OK) {
        char msg[512];
        kc_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "%s\n", msg);
        goto done;
    }
    printf("%s: %s\n%s\n", kc_scenario_id(scenario), kc_result_verdict(result),
           kc_result_summary(result));
    for (size_t i = 0; i < kc_result_fired_count(result); i++) {
        kc_finding f;
        if (kc_result_fired(result, i, &f) == KC_OK)
            printf("  %+g %s\n", f.weight, f.rule);
    }
    rc = 0;
done:
    kc_result_free(result);
    kc_scenario_free(scenario);
    kc_ruleset_free(rules);
    kc_builder_free(b);
    kc_ctx_free(ctx);
    return rc;
}
