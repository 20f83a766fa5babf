/* test_doc.c - documents: parsing text and files, positions, reading files,
 * converting cJSON trees, and allocation failure in each. */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "jl.h"
#include "mem.h"

typedef kc_test_ctx fixture;

static const char text[] = "{\n"
                           "  \"a\": [1, 2, {\"b\": \"x\"}],\n"
                           "  \"c\": true\n"
                           "}";

static void parse_gives_root_and_positions(void **state)
{
    fixture *f = *state;
    kc_doc *doc;
    kc_error err;
    assert_int_equal(kc_doc_parse(f->ctx, text, sizeof text - 1, NULL, &doc, &err), KC_OK);
    const kc_value *root = kc_doc_root(doc);
    assert_int_equal(kc_value_type(root), KC_TYPE_OBJECT);
    assert_string_equal(doc->source, "<string>");
    unsigned line = 0, col = 0;
    assert_true(kc_doc_position(doc, root, &line, &col));
    assert_int_equal(line, 1);
    assert_int_equal(col, 1);
    const kc_value *b = kc_value_get(kc_value_at(kc_value_get(root, "a", 1), 2), "b", 1);
    assert_true(kc_doc_position(doc, b, &line, &col));
    assert_int_equal(line, 2);
    assert_int_equal(col, 21);
    assert_true(kc_doc_position(doc, kc_value_get(root, "c", 1), &line, &col));
    assert_int_equal(line, 3);
    assert_int_equal(col, 8);
    const kc_pos *p = kc_doc_pos(doc, b);
    assert_non_null(p);
    assert_int_equal(p->key_col, 16);
    /* Values that are not in the document have no position. */
    const kc_value other = kc_v_null();
    assert_false(kc_doc_position(doc, &other, &line, &col));
    assert_false(kc_doc_position(NULL, root, &line, &col));
    assert_false(kc_doc_position(doc, NULL, &line, &col));
    assert_true(kc_doc_position(doc, root, NULL, NULL));
    assert_null(kc_doc_pos(NULL, root));
    assert_null(kc_doc_root(NULL));
    kc_doc_free(doc);
    kc_doc_free(NULL);
}

static void parse_without_positions_is_the_same_tree(void **state)
{
    fixture *f = *state;
    kc_doc *with, *without;
    assert_int_equal(kc_doc_parse(f->ctx, text, sizeof text - 1, "s", &with, NULL), KC_OK);
    assert_int_equal(
        kc_doc_parse_ex(f->ctx, text, sizeof text - 1, "s", 0, &without, NULL), KC_OK);
    assert_true(kc_value_equal(kc_doc_root(with), kc_doc_root(without)));
    assert_false(kc_doc_position(without, kc_doc_root(without), NULL, NULL));
    assert_int_equal(without->pos.n, 0);
    kc_doc_free(with);
    kc_doc_free(without);
}

/* Addresses of a compact document's tree, checked breadth-first: the arrays
 * of each level follow the last level's, all text follows all arrays, and
 * everything lies in the block the root's KC_VF_SPAN names. */
typedef struct block_walk {
    const char *lo, *hi;    /* the block */
    const char *last_array; /* the array seen last, in breadth-first order */
    const char *first_text;
    const char *last_array_end;
} block_walk;

static void in_block(const block_walk *w, const void *p, size_t n)
{
    assert_true((const char *)p >= w->lo);
    assert_true((const char *)p + n <= w->hi);
}

static void check_text(block_walk *w, const char *s, size_t n)
{
    in_block(w, s, n + 1);
    assert_int_equal(s[n], '\0');
    if (!w->first_text || s < w->first_text)
        w->first_text = s;
}

static void check_layout(const kc_value *root)
{
    if (root->type != KC_TYPE_ARRAY && root->type != KC_TYPE_OBJECT) {
        assert_false(root->flags & KC_VF_SPAN);
        return;
    }
    if (root->n == 0)
        return;
    assert_true(root->flags & KC_VF_SPAN);
    block_walk w = {(const char *)root->u.items, (const char *)root->u.items + root->spare * 64u,
                    NULL, NULL, NULL};
    const kc_value *queue[4096];
    size_t head = 0, tail = 0;
    queue[tail++] = root;
    while (head < tail) {
        const kc_value *c = queue[head++];
        const int obj = c->type == KC_TYPE_OBJECT;
        const char *arr = (const char *)c->u.items;
        const size_t size = c->n * (obj ? sizeof(kc_member) : sizeof(kc_value));
        in_block(&w, arr, size);
        assert_true(w.last_array == NULL || arr > w.last_array);
        w.last_array = arr;
        w.last_array_end = arr + size;
        for (uint32_t i = 0; i < c->n; i++) {
            const kc_value *e = obj ? &c->u.members[i].val : &c->u.items[i];
            if (obj)
                check_text(&w, c->u.members[i].key, c->u.members[i].klen);
            assert_false(e->flags & KC_VF_SPAN);
            if (e->type == KC_TYPE_STRING)
                check_text(&w, e->u.str, e->n);
            else if ((e->type == KC_TYPE_ARRAY || e->type == KC_TYPE_OBJECT) && e->n > 0) {
                assert_true(tail < sizeof queue / sizeof queue[0]);
                queue[tail++] = e;
            }
        }
    }
    assert_true(w.first_text == NULL || w.first_text >= w.last_array_end);
}

static void compact_parse_is_the_same_tree_in_one_block(void **state)
{
    fixture *f = *state;
    char deep[2 * 60 + 16];
    size_t k = 0;
    for (int i = 0; i < 60; i++)
        deep[k++] = '[';
    deep[k++] = '7';
    for (int i = 0; i < 60; i++)
        deep[k++] = ']';
    deep[k] = '\0';
    char wide[8192];
    k = (size_t)snprintf(wide, sizeof wide, "{");
    for (int i = 0; i < 200; i++)
        k += (size_t)snprintf(wide + k, sizeof wide - k, "%s\"k%d\": [%d, \"v%d\", {}]",
                              i ? ", " : "", i, i, i);
    snprintf(wide + k, sizeof wide - k, "}");
    size_t sample_len = 0;
    char *sample = kc_test_read_file(kc_test_data_path("json/sample.json"), &sample_len);
    const char *const texts[] = {
        text,
        "{\"a\": {}, \"b\": [], \"c\": [[], {}], \"\": \"\", \"esc\": \"x\\u00e9\\ny\"}",
        "[1, \"two\", [3, [4, [5]]], {\"six\": {\"seven\": [true, false, null]}}]",
        "\"just a string\"", "42", "null", "{}", "[]", deep, wide, sample,
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        kc_doc *plain = NULL, *compact = NULL;
        kc_error err;
        const size_t len = strlen(texts[i]);
        if (kc_doc_parse_ex(f->ctx, texts[i], len, "p", 0, &plain, &err) != KC_OK)
            fail_msg("text %zu: %s", i, err.message);
        const size_t live = f->t.live;
        assert_int_equal(
            kc_doc_parse_ex(f->ctx, texts[i], len, "c", KC_PARSE_COMPACT, &compact, &err), KC_OK);
        /* One heap block holds the document, whatever its size: the parse
         * tree it was copied from (on the stack, or the heap when larger)
         * and the work lists are all given back. */
        assert_int_equal(f->t.live, live + 1);
        assert_true(kc_value_equal(kc_doc_root(plain), kc_doc_root(compact)));
        assert_string_equal(compact->source, "c");
        assert_int_equal(compact->pos.n, 0);
        check_layout(kc_doc_root(compact));
        /* A plain document is never marked: its tree is not one block. */
        assert_false(kc_doc_root(plain)->flags & KC_VF_SPAN);
        /* Nor is a copy of the compact one. */
        kc_arena arena;
        kc_arena_init(&arena, f->ctx, 256, 0);
        kc_value copy;
        assert_int_equal(kc_value_copy(&arena, kc_doc_root(compact), &copy), KC_OK);
        assert_false(copy.flags & KC_VF_SPAN);
        assert_true(kc_value_equal(&copy, kc_doc_root(plain)));
        kc_arena_free(&arena);
        kc_doc_free(plain);
        kc_doc_free(compact);
    }
    free(sample);
    /* With positions asked for too, the tree stays where the positions say. */
    kc_doc *both = NULL;
    assert_int_equal(kc_doc_parse_ex(f->ctx, text, sizeof text - 1, "b",
                                     KC_PARSE_COMPACT | KC_PARSE_POSITIONS, &both, NULL),
                     KC_OK);
    unsigned line = 0, col = 0;
    const kc_value *b =
        kc_value_get(kc_value_at(kc_value_get(kc_doc_root(both), "a", 1), 2), "b", 1);
    assert_true(kc_doc_position(both, b, &line, &col));
    assert_int_equal(line, 2);
    assert_int_equal(col, 21);
    kc_doc_free(both);
}

static void parse_errors_leave_no_document(void **state)
{
    fixture *f = *state;
    kc_doc *doc = (kc_doc *)&doc; /* any non-NULL value: it must be reset */
    kc_error err;
    assert_int_equal(kc_doc_parse(f->ctx, "{\"a\":1,\"a\":2}", 13, "in.json", &doc, &err),
                     KC_EDUPKEY);
    assert_null(doc);
    assert_int_equal(err.status, KC_EDUPKEY);
    assert_string_equal(err.source, "in.json");
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 8);
    char buf[400];
    kc_error_format(&err, buf, sizeof buf);
    assert_non_null(strstr(buf, "in.json:1:8: duplicate key \"a\""));
    assert_int_equal(f->t.live, f->base);

    /* Size limit from the context. */
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_INPUT_BYTES, 4), KC_OK);
    assert_int_equal(kc_doc_parse(f->ctx, "[1,2]", 5, NULL, &doc, &err), KC_ELIMIT);
    assert_null(doc);
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_INPUT_BYTES, 1 << 20), KC_OK);
    /* Depth limit from the context. */
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_DEPTH, 2), KC_OK);
    assert_int_equal(kc_doc_parse(f->ctx, "[[[]]]", 6, NULL, &doc, &err), KC_ELIMIT);
    assert_int_equal(err.column, 3);
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_DEPTH, 64), KC_OK);
    /* Node limit from the context. */
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_NODES, 2), KC_OK);
    assert_int_equal(kc_doc_parse(f->ctx, "[1,2]", 5, NULL, &doc, &err), KC_ELIMIT);
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_NODES, 200000), KC_OK);
}

static void null_arguments_are_einval(void **state)
{
    fixture *f = *state;
    kc_doc *doc = (kc_doc *)&doc;
    kc_error err;
    assert_int_equal(kc_doc_parse(NULL, "1", 1, NULL, &doc, &err), KC_EINVAL);
    assert_null(doc);
    assert_int_equal(err.status, KC_EINVAL);
    assert_int_equal(kc_doc_parse(f->ctx, "1", 1, NULL, NULL, &err), KC_EINVAL);
    assert_int_equal(kc_doc_parse(f->ctx, NULL, 1, NULL, &doc, NULL), KC_EINVAL);
    assert_int_equal(kc_doc_parse(f->ctx, NULL, 0, NULL, &doc, &err), KC_ESYNTAX);
    assert_int_equal(kc_doc_load_file(f->ctx, NULL, &doc, &err), KC_EINVAL);
    assert_int_equal(kc_doc_load_file(NULL, "x", &doc, &err), KC_EINVAL);
    assert_int_equal(kc_doc_load_file(f->ctx, "x", NULL, &err), KC_EINVAL);
    assert_int_equal(kc_doc_from_cjson(f->ctx, NULL, &doc, &err), KC_EINVAL);
    assert_null(doc);
    cJSON *j = cJSON_CreateNull();
    assert_int_equal(kc_doc_from_cjson(NULL, j, &doc, &err), KC_EINVAL);
    assert_int_equal(kc_doc_from_cjson(f->ctx, j, NULL, &err), KC_EINVAL);
    cJSON_Delete(j);
    char *data = (char *)&data;
    size_t len = 5;
    assert_int_equal(kc_read_file(f->ctx, NULL, &data, &len, &err), KC_EINVAL);
    assert_null(data);
    assert_int_equal(len, 0);
}

static void load_file_reads_and_names_the_source(void **state)
{
    fixture *f = *state;
    const char *path = kc_test_data_path("json/sample.json");
    kc_doc *doc;
    kc_error err;
    assert_int_equal(kc_doc_load_file(f->ctx, path, &doc, &err), KC_OK);
    assert_string_equal(doc->source, path);
    const kc_value *root = kc_doc_root(doc);
    size_t len;
    assert_string_equal(kc_value_string(kc_value_get(root, "rule", 4), &len), "greet");
    const kc_value *tags = kc_value_get(root, "tags", 4);
    assert_string_equal(kc_value_string(kc_value_at(tags, 1), NULL), "\xe2\x82\xac");
    unsigned line, col;
    assert_true(kc_doc_position(doc, kc_value_get(root, "weight", 6), &line, &col));
    assert_int_equal(line, 5);
    assert_int_equal(col, 13);
    /* Same text parsed from memory gives an equal tree. */
    size_t n;
    char *raw = kc_test_read_file(path, &n);
    kc_doc *mem;
    assert_int_equal(kc_doc_parse(f->ctx, raw, n, NULL, &mem, NULL), KC_OK);
    assert_true(kc_value_equal(root, kc_doc_root(mem)));
    kc_doc_free(mem);
    free(raw);
    kc_doc_free(doc);

    path = kc_test_data_path("json/duplicate.json");
    assert_int_equal(kc_doc_load_file(f->ctx, path, &doc, &err), KC_EDUPKEY);
    assert_null(doc);
    assert_string_equal(err.source, path);
    assert_int_equal(err.line, 5);
    assert_int_equal(err.column, 5);
    assert_string_equal(err.path, "/when/a");
    assert_non_null(strstr(err.message, "first at line 4, column 5"));
}

static void missing_file_is_eio_with_the_path(void **state)
{
    fixture *f = *state;
    const char *path = kc_test_data_path("json/no-such-file.json");
    kc_doc *doc = (kc_doc *)&doc;
    kc_error err;
    assert_int_equal(kc_doc_load_file(f->ctx, path, &doc, &err), KC_EIO);
    assert_null(doc);
    assert_int_equal(err.status, KC_EIO);
    assert_non_null(strstr(err.message, "cannot open"));
    assert_non_null(strstr(err.message, path));
    assert_string_equal(err.source, path);
    char *data = (char *)&data;
    size_t len = 3;
    assert_int_equal(kc_read_file(f->ctx, path, &data, &len, &err), KC_EIO);
    assert_null(data);
    assert_int_equal(len, 0);
    /* A directory opens but cannot be read. */
    assert_int_equal(kc_read_file(f->ctx, kc_test_data_path("json"), &data, &len, &err), KC_EIO);
    assert_null(data);
    assert_int_equal(f->t.live, f->base);
}

static void read_file_respects_the_size_limit(void **state)
{
    fixture *f = *state;
    const char *path = kc_test_data_path("json/sample.json");
    size_t size;
    char *raw = kc_test_read_file(path, &size);
    free(raw);
    char *data;
    size_t len;
    kc_error err;
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_INPUT_BYTES, size), KC_OK);
    assert_int_equal(kc_read_file(f->ctx, path, &data, &len, &err), KC_OK);
    assert_int_equal(len, size);
    assert_int_equal(data[len], '\0');
    kc_mem_free(f->ctx, data);
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_INPUT_BYTES, size - 1), KC_OK);
    assert_int_equal(kc_read_file(f->ctx, path, &data, &len, &err), KC_ELIMIT);
    assert_null(data);
    assert_non_null(strstr(err.message, "KC_LIMIT_INPUT_BYTES"));
    kc_doc *doc;
    assert_int_equal(kc_doc_load_file(f->ctx, path, &doc, &err), KC_ELIMIT);
    assert_null(doc);
    assert_int_equal(f->t.live, f->base);
}

static void cjson_tree_equals_the_parsed_text(void **state)
{
    fixture *f = *state;
    size_t n;
    char *raw = kc_test_read_file(kc_test_data_path("json/sample.json"), &n);
    cJSON *j = cJSON_Parse(raw);
    assert_non_null(j);
    kc_doc *from_cjson, *parsed;
    kc_error err;
    assert_int_equal(kc_doc_from_cjson(f->ctx, j, &from_cjson, &err), KC_OK);
    assert_int_equal(kc_doc_parse(f->ctx, raw, n, NULL, &parsed, &err), KC_OK);
    assert_true(kc_value_equal(kc_doc_root(from_cjson), kc_doc_root(parsed)));
    assert_int_equal(from_cjson->pos.n, 0);
    assert_false(kc_doc_position(from_cjson, kc_doc_root(from_cjson), NULL, NULL));
    /* Member order and string bytes are kept. */
    size_t klen;
    assert_string_equal(kc_value_key_at(kc_doc_root(from_cjson), 1, &klen), "when");
    kc_doc_free(from_cjson);
    kc_doc_free(parsed);
    cJSON_Delete(j);
    free(raw);
}

static void cjson_duplicate_keys_are_rejected_with_a_path(void **state)
{
    fixture *f = *state;
    cJSON *root = cJSON_CreateObject();
    cJSON *a = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "a", a);
    cJSON_AddItemToObject(a, "dup", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(a, "other", cJSON_CreateNumber(2));
    cJSON_AddItemToObject(a, "dup", cJSON_CreateNumber(3));
    kc_doc *doc = (kc_doc *)&doc;
    kc_error err;
    assert_int_equal(kc_doc_from_cjson(f->ctx, root, &doc, &err), KC_EDUPKEY);
    assert_null(doc);
    assert_string_equal(err.path, "/a/dup");
    assert_int_equal(err.line, 0);
    assert_non_null(strstr(err.message, "duplicate key \"dup\""));
    char buf[400];
    kc_error_format(&err, buf, sizeof buf);
    assert_non_null(strstr(buf, "at /a/dup: duplicate key"));
    cJSON_Delete(root);
    assert_int_equal(f->t.live, f->base);
}

static void cjson_keys_differing_in_case_stay_distinct(void **state)
{
    fixture *f = *state;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "a", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(root, "A", cJSON_CreateNumber(2));
    kc_doc *doc;
    assert_int_equal(kc_doc_from_cjson(f->ctx, root, &doc, NULL), KC_OK);
    const kc_value *r = kc_doc_root(doc);
    assert_int_equal(kc_value_count(r), 2);
    assert_true(kc_value_number(kc_value_get(r, "a", 1)) == 1);
    assert_true(kc_value_number(kc_value_get(r, "A", 1)) == 2);
    kc_doc_free(doc);
    cJSON_Delete(root);
}

static void cjson_bad_nodes_are_rejected_with_a_path(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *what;
        kc_status status;
        const char *path;
    } cases[] = {
        {"nan", KC_ENUMBER, "/x/0"},     {"inf", KC_ENUMBER, "/x/0"},
        {"ctrl", KC_EENCODING, "/x/0"},  {"utf8", KC_EENCODING, "/x/0"},
        {"nullstr", KC_EINVAL, "/x/0"},  {"raw", KC_EINVAL, "/x/0"},
        {"badkey", KC_EENCODING, "/x/0"},  {"invalid", KC_EINVAL, "/x/0"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *w = cases[i].what;
        cJSON *root = cJSON_CreateObject();
        cJSON *arr = cJSON_CreateArray();
        cJSON_AddItemToObject(root, "x", arr);
        cJSON *item;
        if (!strcmp(w, "nan")) {
            item = cJSON_CreateNumber((double)NAN);
        } else if (!strcmp(w, "inf")) {
            item = cJSON_CreateNumber(HUGE_VAL);
        } else if (!strcmp(w, "ctrl")) {
            item = cJSON_CreateString("a\x01");
        } else if (!strcmp(w, "utf8")) {
            item = cJSON_CreateString("a\xff");
        } else if (!strcmp(w, "nullstr")) {
            item = cJSON_CreateString("x");
            cJSON_free(item->valuestring);
            item->valuestring = NULL;
        } else if (!strcmp(w, "raw")) {
            item = cJSON_CreateRaw("{\"a\":1,\"a\":2}");
        } else if (!strcmp(w, "badkey")) {
            item = cJSON_CreateNumber(1);
            cJSON *obj = cJSON_CreateObject();
            cJSON_AddItemToObject(obj, "k\x1f", item);
            item = obj;
        } else {
            item = cJSON_CreateNull();
            item->type = cJSON_Invalid;
        }
        cJSON_AddItemToArray(arr, item);
        kc_doc *doc = (kc_doc *)&doc;
        kc_error err;
        const kc_status st = kc_doc_from_cjson(f->ctx, root, &doc, &err);
        if (st != cases[i].status || strcmp(err.path, cases[i].path))
            fail_msg("%s: %s at \"%s\" (%s)", w, kc_status_name(st), err.path, err.message);
        assert_null(doc);
        assert_string_equal(err.source, "<cJSON>");
        assert_true(err.message[0] != '\0');
        cJSON_Delete(root);
        assert_int_equal(f->t.live, f->base);
    }
}

static void cjson_limits_apply(void **state)
{
    fixture *f = *state;
    cJSON *root = cJSON_CreateArray();
    cJSON *cur = root;
    for (int i = 1; i < 64; i++) {
        cJSON *next = cJSON_CreateArray();
        cJSON_AddItemToArray(cur, next);
        cur = next;
    }
    kc_doc *doc;
    kc_error err;
    assert_int_equal(kc_doc_from_cjson(f->ctx, root, &doc, &err), KC_OK); /* depth 64 */
    kc_doc_free(doc);
    cJSON_AddItemToArray(cur, cJSON_CreateArray());
    assert_int_equal(kc_doc_from_cjson(f->ctx, root, &doc, &err), KC_ELIMIT); /* 65 */
    assert_non_null(strstr(err.message, "KC_LIMIT_DEPTH"));
    assert_int_equal(strlen(err.path), 2 * 64);
    cJSON_Delete(root);

    root = cJSON_CreateIntArray((const int[]){1, 2, 3, 4}, 4);
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_NODES, 5), KC_OK);
    assert_int_equal(kc_doc_from_cjson(f->ctx, root, &doc, &err), KC_OK);
    kc_doc_free(doc);
    cJSON_AddItemToArray(root, cJSON_CreateNumber(5));
    assert_int_equal(kc_doc_from_cjson(f->ctx, root, &doc, &err), KC_ELIMIT);
    assert_non_null(strstr(err.message, "KC_LIMIT_NODES"));
    assert_int_equal(kc_ctx_set_limit(f->ctx, KC_LIMIT_NODES, 200000), KC_OK);
    cJSON_Delete(root);
    assert_int_equal(f->t.live, f->base);
}

/* Runs op with allocation n failing (once, then persistently) for every n up
 * to the number a successful run needs. */
typedef kc_status (*doc_op)(fixture *f, kc_doc **out, void *arg);

static void fail_every_allocation(fixture *f, doc_op op, void *arg)
{
    const size_t base_live = f->t.live;
    kc_doc *doc;
    f->t.calls = 0;
    assert_int_equal(op(f, &doc, arg), KC_OK);
    const size_t total = f->t.calls;
    kc_doc_free(doc);
    assert_int_equal(f->t.live, base_live);
    assert_true(total >= 2);
    for (int persistent = 0; persistent <= 1; persistent++) {
        for (size_t n = 1; n <= total; n++) {
            f->t.calls = 0;
            f->t.fail_at = n;
            f->t.persistent = persistent;
            doc = (kc_doc *)&doc;
            const kc_status st = op(f, &doc, arg);
            f->t.fail_at = 0;
            if (st != KC_ENOMEM)
                fail_msg("allocation %zu of %zu failing%s: %s", n, total,
                         persistent ? " persistently" : "", kc_status_name(st));
            assert_null(doc);
            assert_int_equal(f->t.live, base_live);
        }
    }
}

static kc_status op_parse(fixture *f, kc_doc **out, void *arg)
{
    (void)arg;
    kc_error err;
    const kc_status st = kc_doc_parse(f->ctx, text, sizeof text - 1, "t", out, &err);
    assert_int_equal(err.status, st);
    return st;
}

static kc_status op_parse_compact(fixture *f, kc_doc **out, void *arg)
{
    const char *t = arg;
    kc_error err;
    const kc_status st = kc_doc_parse_ex(f->ctx, t, strlen(t), "t", KC_PARSE_COMPACT, out, &err);
    assert_int_equal(err.status, st);
    return st;
}

static kc_status op_load(fixture *f, kc_doc **out, void *arg)
{
    (void)arg;
    return kc_doc_load_file(f->ctx, kc_test_data_path("json/sample.json"), out, NULL);
}

static kc_status op_cjson(fixture *f, kc_doc **out, void *arg)
{
    return kc_doc_from_cjson(f->ctx, arg, out, NULL);
}

static void allocation_failures_return_enomem(void **state)
{
    fixture *f = *state;
    fail_every_allocation(f, op_parse, NULL);
    char small[sizeof text];
    memcpy(small, text, sizeof text);
    fail_every_allocation(f, op_parse_compact, small);
    /* More containers than the copy's first work list holds. */
    char nested[] = "{\"a\": [[1], [2], [3], [4], [5], [6], [7], [8], [9], [10], [11], [12], "
                    "[13], [14], [15], [16], [17], [18], [19], [20]], \"b\": {\"c\": [{}]}}";
    fail_every_allocation(f, op_parse_compact, nested);
    fail_every_allocation(f, op_load, NULL);
    /* A tree big enough for several arena chunks and a sorted key check. */
    cJSON *root = cJSON_CreateObject();
    for (int i = 0; i < 40; i++) {
        char key[16];
        snprintf(key, sizeof key, "key%d", i);
        cJSON *arr = cJSON_CreateArray();
        for (int k = 0; k < 20; k++)
            cJSON_AddItemToArray(arr, cJSON_CreateString("some string value"));
        cJSON_AddItemToObject(root, key, arr);
    }
    fail_every_allocation(f, op_cjson, root);
    cJSON_Delete(root);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, kc_test_ctx_setup, kc_test_ctx_teardown)
    const struct CMUnitTest tests[] = {
        T(parse_gives_root_and_positions),
        T(parse_without_positions_is_the_same_tree),
        T(compact_parse_is_the_same_tree_in_one_block),
        T(parse_errors_leave_no_document),
        T(null_arguments_are_einval),
        T(load_file_reads_and_names_the_source),
        T(missing_file_is_eio_with_the_path),
        T(read_file_respects_the_size_limit),
        T(cjson_tree_equals_the_parsed_text),
        T(cjson_duplicate_keys_are_rejected_with_a_path),
        T(cjson_keys_differing_in_case_stay_distinct),
        T(cjson_bad_nodes_are_rejected_with_a_path),
        T(cjson_limits_apply),
        T(allocation_failures_return_enomem),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
