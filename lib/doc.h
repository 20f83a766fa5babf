/* doc.h - the kc_doc handle: a parsed JSON document that owns its arena. */
#ifndef KC_DOC_H
#define KC_DOC_H

#include "arena.h"
#include "json_read.h"
#include "value.h"

struct kc_doc {
    const kc_ctx *ctx;
    kc_arena arena;     /* every value, string and position of the document */
    kc_value root;
    kc_pos_table pos;   /* empty for documents built from cJSON */
    char *source;       /* name used in errors ("<string>", a path); in arena */
};

/* Position of v (a value inside doc) or NULL. Tolerates doc == NULL. */
const kc_pos *kc_doc_pos(const kc_doc *doc, const kc_value *v);

/* Reads a whole file into memory allocated with ctx (free with kc_mem_free).
 * Refuses files over the KC_LIMIT_INPUT_BYTES limit (KC_ELIMIT), and reports
 * KC_EIO with strerror text. */
kc_status kc_read_file(const kc_ctx *ctx, const char *path, char **data, size_t *len,
                       kc_error *err);

#endif
