/* embed.c - kindctx from C, start to finish: load the bundled rules, build a
 * scenario in code (here with cJSON), judge it, read the explanation, free.
 *
 *   cc embed.c $(pkg-config --cflags --libs kindctx libcjson) -o embed && ./embed */
#include <stdio.h>

#include <cjson/cJSON.h>

#include "kindctx.h"

/* Flowers for a friend who is allergic to them (the essay's second case). */
static cJSON *make_scenario(void)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "id", "flowers-for-an-allergic-friend");
    cJSON *act = cJSON_AddObjectToObject(s, "act");
    cJSON_AddStringToObject(act, "kind", "flowers");
    cJSON_AddStringToObject(act, "category", "gift");
    const char *features[] = {"pollen", "scented", "symbolic"};
    cJSON_AddItemToObject(act, "features", cJSON_CreateStringArray(features, 3));
    const char *meets[] = {"beauty", "comfort"};
    cJSON_AddItemToObject(act, "meets", cJSON_CreateStringArray(meets, 2));
    cJSON *receiver = cJSON_AddObjectToObject(s, "receiver");
    const char *allergies[] = {"pollen"};
    cJSON_AddItemToObject(receiver, "allergies", cJSON_CreateStringArray(allergies, 1));
    cJSON *rel = cJSON_AddObjectToObject(s, "relationship");
    cJSON_AddStringToObject(rel, "type", "friend");
    cJSON_AddBoolToObject(rel, "wanted", 1);
    cJSON_AddNumberToObject(rel, "trust", 0.9);
    cJSON *intent = cJSON_AddObjectToObject(s, "intent");
    cJSON_AddBoolToObject(intent, "benevolent", 1);
    cJSON_AddStringToObject(intent, "aim", "to cheer her up");
    return s;
}

int main(void)
{
    kc_ctx *ctx = NULL;
    kc_ruleset *rules = NULL;
    kc_scenario *scenario = NULL;
    kc_result *result = NULL;
    kc_error err;
    int rc = 1;

    if (kc_version_number() != KC_VERSION_NUMBER) {
        fprintf(stderr, "header %s, library %s\n", KC_VERSION_STRING, kc_version());
        return 1;
    }
    if (kc_ctx_create(&ctx, NULL) != KC_OK)
        return 1;
    if (kc_ruleset_load_default(ctx, &rules, &err) != KC_OK)
        goto fail;
    cJSON *json = make_scenario();
    kc_status st = kc_scenario_from_cjson(ctx, json, &scenario, &err);
    cJSON_Delete(json); /* the scenario keeps its own copy */
    if (st != KC_OK || kc_result_create(ctx, &result) != KC_OK)
        goto fail;
    if (kc_evaluate(rules, kc_scenario_root(scenario), result, &err) != KC_OK)
        goto fail;

    printf("%s: %s\n%s\n", kc_scenario_id(scenario), kc_result_verdict(result),
           kc_result_summary(result));
    for (size_t i = 0; i < kc_result_fired_count(result); i++) {
        kc_finding f;
        if (kc_result_fired(result, i, &f) == KC_OK)
            printf("  %+g %-34s %s\n", f.weight, f.rule, f.because);
    }
    rc = 0;
fail:
    if (rc) {
        char msg[512];
        kc_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "embed: %s\n", msg);
    }
    kc_result_free(result);
    kc_scenario_free(scenario);
    kc_ruleset_free(rules);
    kc_ctx_free(ctx);
    return rc;
}
