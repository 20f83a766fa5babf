/* fuzz_common.h - helpers shared by the fuzz targets (not part of the library).
 *
 * Each target defines LLVMFuzzerTestOneInput(). It is linked either with
 * libFuzzer (-fsanitize=fuzzer) or with replay_main.c, which feeds it every
 * file of a corpus; both builds run the same code.
 *
 * The targets keep no mutable state between inputs, never print and never
 * exit. A broken invariant (e.g. a failed call that still returned an
 * object) is a crash on purpose: FUZZ_CHECK traps, so both libFuzzer and the
 * replay binary report it. */
#ifndef KC_FUZZ_COMMON_H
#define KC_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kindctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                   \
    do {                                                                                   \
        if (!(cond))                                                                       \
            __builtin_trap();                                                              \
    } while (0)

/* A heap copy of exactly size bytes, no terminator: reading past the end is
 * an error ASan and valgrind report. (libFuzzer's own buffer is exact too,
 * but the replay binary reads files, so copy in both builds.) */
static inline char *fuzz_copy(const uint8_t *data, size_t size)
{
    char *p = malloc(size ? size : 1);
    if (p && size)
        memcpy(p, data, size);
    return p;
}

/* A scenario with a value of every type, lists, nesting, non-ASCII text, and
 * facts left out on purpose (request.needs, receiver.allergies) so that rules
 * stay undecided and open questions appear. */
static const char fuzz_scenario_text[] =
    "{\"kindctx\":\"scenario/1\",\"id\":\"fuzz-fixed\",\"title\":\"Caf\\u00e9 \\ud83c\\udf38\","
    "\"act\":{\"kind\":\"flowers\",\"category\":\"gift\",\"features\":[\"pollen\",\"scented\","
    "\"surprise\"],\"meets\":[\"beauty\",\"celebration\"],\"words\":\"For you \\\"dear\\\"\"},"
    "\"request\":{\"asked\":false,\"explicit\":false,\"urgency\":0.25},"
    "\"receiver\":{\"aversions\":[\"public\"],\"likes\":[\"book\"],\"boundaries\":[]},"
    "\"relationship\":{\"type\":\"friend\",\"wanted\":true,\"trust\":0.8},"
    "\"power\":{\"differential\":-0.5,\"can_refuse\":true,\"setting\":\"home\"},"
    "\"history\":{\"prior_harm_by_giver\":false,\"bad_experiences\":[\"surprise\"]},"
    "\"process\":{\"listened\":true,\"stance\":\"empathy\"},"
    "\"intent\":{\"benevolent\":true,\"aim\":\"to cheer them up\"},"
    "\"x\":{\"n\":[1,2.5,-3e-7,1e300],\"deep\":[[[[{\"k\":null}]]]],\"empty\":{},\"t\":true}}";

/* Reads everything a result offers, for every reader: rendered findings
 * (and for the rule author the condition traces), questions, intent, summary
 * and the JSON; with deep, also the search for changes that would make the
 * act land better (up to 512 evaluations: slow, so not for every input).
 * Checks that the accessors agree with each other and that the JSON we
 * write reads back. */
static inline void fuzz_read_result(kc_ctx *ctx, kc_result *res, int deep)
{
    for (int reader = KC_READER_DEFAULT; reader <= KC_READER_AUTHOR; reader++) {
        FUZZ_CHECK(kc_result_set_reader(res, (kc_reader)reader) == KC_OK);
        const size_t nfired = kc_result_fired_count(res);
        for (size_t i = 0; i <= nfired; i++) {
            kc_finding f;
            const kc_status st = kc_result_fired(res, i, &f);
            if (i == nfired) {
                FUZZ_CHECK(st == KC_ENOTFOUND);
            } else {
                FUZZ_CHECK(st == KC_OK && f.rule && f.because);
                if (reader == KC_READER_AUTHOR)
                    FUZZ_CHECK(kc_result_trace(res, i) != NULL);
            }
        }
        FUZZ_CHECK(kc_result_summary(res) != NULL);
        for (unsigned flags = 0; flags <= (deep ? 3u : 1u); flags++) {
            char *json = NULL;
            size_t len = 0;
            FUZZ_CHECK(kc_result_to_json(res, flags, &json, &len) == KC_OK);
            FUZZ_CHECK(json && strlen(json) == len);
            kc_doc *doc = NULL;
            const kc_status st = kc_doc_parse(ctx, json, len, "<result>", &doc, NULL);
            /* Rendered texts may repeat large scenario values: the size
             * limit may bite, but nothing else may. */
            FUZZ_CHECK(st == KC_OK || st == KC_ELIMIT);
            kc_doc_free(doc);
            kc_free(ctx, json);
        }
    }
    for (size_t i = 0; i < kc_result_undecided_count(res); i++)
        FUZZ_CHECK(kc_result_undecided(res, i) != NULL);
    for (size_t i = 0; i < kc_result_question_count(res); i++) {
        kc_question q;
        FUZZ_CHECK(kc_result_question(res, i, &q) == KC_OK && q.fact);
    }
    FUZZ_CHECK(kc_result_verdict(res) && kc_result_verdict_label(res));
    double intent = 0;
    (void)kc_result_intent(res, &intent);
    if (deep) {
        kc_status st = KC_EINVAL;
        const size_t n = kc_result_change_count(res, &st);
        FUZZ_CHECK(st == KC_OK || st == KC_ELIMIT);
        for (size_t i = 0; i < n; i++) {
            kc_change c;
            FUZZ_CHECK(kc_result_change(res, i, &c) == KC_OK && c.verdict);
            for (size_t k = 0; k < c.nsteps; k++)
                FUZZ_CHECK(c.steps[k] && c.facts[k]);
            for (size_t k = 0; k < c.nflipped; k++)
                FUZZ_CHECK(c.flipped[k] != NULL);
        }
        (void)kc_result_change_blocker(res);
    }
}

#endif
