/*
 * kindctx.h - judge how an offered act may land, from its context.
 *
 * The one public header of libkindctx. Everything that is not declared here is
 * not API. Names are prefixed kc_ (functions, types) and KC_ (macros, enums).
 *
 * The pipeline, and the handles that carry it:
 *
 *   kc_ctx      allocator, limits and custom operators; create one, configure it,
 *               then share it read-only.
 *   kc_doc      a parsed JSON document (strict RFC 8259, with positions).
 *   kc_logic    a compiled JSON Logic expression: immutable, shareable.
 *   kc_eval     per-thread evaluation state; reused across runs, so steady-state
 *               evaluation allocates nothing.
 *
 * Thread safety
 *   - No function keeps mutable global state; there is nothing to initialise.
 *   - A kc_ctx may be used by many threads at the same time once it is configured, i.e.
 *     after the last kc_ctx_set_limit()/kc_ctx_register_op() call. Configuring it
 *     while another thread uses it is a data race.
 *   - kc_doc and kc_logic are immutable after creation and may be shared by any
 *     number of threads.
 *   - A kc_eval belongs to one thread at a time.
 *   - The allocator functions you supply are called from whichever thread does
 *     the work; they must be thread-safe if the library is used from several.
 *
 * Errors
 *   Every fallible function returns a kc_status (KC_OK is 0). Functions that read
 *   input also fill a caller-provided kc_error, when one is passed, with the
 *   source name, line, column, byte offset, JSON Pointer path and a message.
 *   On failure, output pointers are set to NULL and nothing is left allocated.
 *   Every function returns KC_EINVAL when a required pointer argument is NULL;
 *   every *_free() accepts NULL.
 *
 * ABI policy
 *   Until 1.0.0, a MINOR release may change the API and ABI; the SONAME carries
 *   the minor version (libkindctx.so.0.MINOR). From 1.0.0 on, the SONAME is the
 *   MAJOR version and only a MAJOR release may remove or change a function or a
 *   public struct. Published kc_status values never change meaning. Check at run
 *   time that the library you linked is the one you compiled against with
 *   kc_version_number() == KC_VERSION_NUMBER.
 */
#ifndef KINDCTX_H
#define KINDCTX_H

#include <stddef.h>

#include "kindctx_version.h"

#if defined(_WIN32) && defined(KINDCTX_SHARED_BUILD)
#define KC_API __declspec(dllexport)
#elif defined(_WIN32) && defined(KINDCTX_SHARED)
#define KC_API __declspec(dllimport)
#elif defined(__GNUC__) || defined(__clang__)
#define KC_API __attribute__((visibility("default")))
#else
#define KC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

struct cJSON; /* from <cjson/cJSON.h>; only needed by the *_cjson() bridges */

/* ------------------------------------------------------------------------ */
/* Version                                                                  */
/* ------------------------------------------------------------------------ */

/* The library's version as "MAJOR.MINOR.PATCH". Static string, never freed. */
KC_API const char *kc_version(void);
/* KC_VERSION_NUMBER of the library actually linked. */
KC_API int kc_version_number(void);

/* ------------------------------------------------------------------------ */
/* Status codes                                                             */
/* ------------------------------------------------------------------------ */

/* X(name, value, message). Values are stable: new codes are only appended. */
#define KC_STATUS_MAP(X)                                                        \
    X(OK, 0, "success")                                                         \
    X(EINVAL, 1, "invalid argument")                                            \
    X(ENOMEM, 2, "out of memory")                                               \
    X(EIO, 3, "cannot read or write a file")                                    \
    X(ESYNTAX, 4, "malformed JSON")                                             \
    X(EENCODING, 5, "invalid text encoding or control character")               \
    X(EDUPKEY, 6, "duplicate key in an object")                                 \
    X(ENUMBER, 7, "number cannot be represented")                               \
    X(ELIMIT, 8, "input exceeds a configured limit")                            \
    X(EOPERATOR, 9, "unknown operator")                                         \
    X(EARGS, 10, "invalid arguments to an operator")                            \
    X(ETHROWN, 11, "evaluation raised an error")                                \
    X(ESCHEMA, 12, "document does not have the expected shape")                 \
    X(ECONFLICT, 13, "conflicting definitions")                                 \
    X(ENOTFOUND, 14, "no such item")                                            \
    X(ESTATE, 15, "operation not allowed in the current state")

typedef enum kc_status {
#define KC_STATUS_ENUM_(name, value, text) KC_##name = value,
    KC_STATUS_MAP(KC_STATUS_ENUM_)
#undef KC_STATUS_ENUM_
} kc_status;

/* "KC_ENOMEM" for KC_ENOMEM; "KC_UNKNOWN" for a value outside the table. */
KC_API const char *kc_status_name(kc_status status);
/* A short English sentence fragment, e.g. "out of memory". Static string. */
KC_API const char *kc_strerror(kc_status status);

/* ------------------------------------------------------------------------ */
/* Errors with positions                                                    */
/* ------------------------------------------------------------------------ */

#define KC_ERROR_SOURCE_MAX 256
#define KC_ERROR_PATH_MAX 256
#define KC_ERROR_ID_MAX 128
#define KC_ERROR_TEXT_MAX 320

/*
 * Filled by every function that reads or compiles input. Plain data: the caller
 * owns it (usually on the stack) and nothing in it needs freeing. Strings are
 * always NUL-terminated and truncated to fit.
 */
typedef struct kc_error {
    kc_status status;                /* KC_OK when there was no error */
    unsigned line;                   /* 1-based; 0 when no position applies */
    unsigned column;                 /* 1-based, in Unicode code points */
    size_t offset;                   /* byte offset into the input */
    char source[KC_ERROR_SOURCE_MAX]; /* file path, or "<string>" */
    char path[KC_ERROR_PATH_MAX];    /* JSON Pointer of the offending node, or "" */
    char rule[KC_ERROR_ID_MAX];      /* id of the rule concerned, or "" */
    char message[KC_ERROR_TEXT_MAX]; /* what is wrong and, where we can tell, how to fix it */
} kc_error;

/*
 * Writes "source:line:column: message" (or "source: message" without a
 * position) into buf, snprintf-style: returns the length the full text needs,
 * excluding the NUL. buf may be NULL when size is 0.
 */
KC_API size_t kc_error_format(const kc_error *err, char *buf, size_t size);

/* ------------------------------------------------------------------------ */
/* Context: allocator, limits, operators                                    */
/* ------------------------------------------------------------------------ */

/*
 * A replaceable allocator, used for every byte the library allocates through a
 * context and the objects made from it. All three functions are required. ud is
 * passed back unchanged. realloc_fn(ud, NULL, n) must behave as malloc_fn;
 * free_fn(ud, NULL) must do nothing.
 */
typedef struct kc_allocator {
    void *(*malloc_fn)(void *ud, size_t size);
    void *(*realloc_fn)(void *ud, void *ptr, size_t size);
    void (*free_fn)(void *ud, void *ptr);
    void *ud;
} kc_allocator;

typedef struct kc_ctx kc_ctx;

/*
 * Creates a context. alloc may be NULL for malloc/realloc/free; it is copied.
 * On success *out owns the context: free it with kc_ctx_free() after every
 * object made from it has been freed.
 * Errors: KC_EINVAL (out NULL, or an incomplete allocator), KC_ENOMEM.
 */
KC_API kc_status kc_ctx_create(kc_ctx **out, const kc_allocator *alloc);
/* Frees a context. Accepts NULL. */
KC_API void kc_ctx_free(kc_ctx *ctx);

/* Frees memory the library returned to you as a bare pointer (e.g. JSON text).
 * ptr must come from ctx or an object made from it; NULL ptr does nothing. */
KC_API void kc_free(const kc_ctx *ctx, void *ptr);

/* Limits on untrusted input. Defaults are in docs/security.md and below. */
typedef enum kc_limit {
    KC_LIMIT_INPUT_BYTES = 0, /* bytes of one JSON input (default 1 MiB) */
    KC_LIMIT_DEPTH,           /* nesting of arrays/objects (default 64) */
    KC_LIMIT_NODES,           /* values in one JSON input (default 200,000) */
    KC_LIMIT_EVAL_BYTES,      /* memory one evaluation may use (default 64 MiB) */
    KC_LIMIT_ERRORS,          /* problems reported per file (default 50) */
    KC_LIMIT_COUNT_
} kc_limit;

/* Sets a limit (value >= 1). Errors: KC_EINVAL (bad limit or value 0). */
KC_API kc_status kc_ctx_set_limit(kc_ctx *ctx, kc_limit limit, size_t value);
/* Current value of a limit; 0 for a NULL context or unknown limit. */
KC_API size_t kc_ctx_limit(const kc_ctx *ctx, kc_limit limit);

/* ------------------------------------------------------------------------ */
/* Values (read-only views into documents and results)                      */
/* ------------------------------------------------------------------------ */

typedef enum kc_type {
    KC_TYPE_NULL = 0,
    KC_TYPE_BOOL,
    KC_TYPE_NUMBER,
    KC_TYPE_STRING,
    KC_TYPE_ARRAY,
    KC_TYPE_OBJECT
} kc_type;

/* A JSON value. Always borrowed: it lives as long as the document, rule set or
 * evaluation that handed it out. All accessors accept NULL (a NULL value reads
 * as JSON null, empty and false). */
typedef struct kc_value kc_value;

/* Type of v; KC_TYPE_NULL for NULL. */
KC_API kc_type kc_value_type(const kc_value *v);
/* The boolean of a KC_TYPE_BOOL; 0 for anything else. */
KC_API int kc_value_bool(const kc_value *v);
/* The number of a KC_TYPE_NUMBER (always finite); 0 for anything else. */
KC_API double kc_value_number(const kc_value *v);
/* The UTF-8 bytes of a KC_TYPE_STRING, NUL-terminated (strings never contain
 * NUL); NULL for anything else. *len (if len is not NULL) gets the byte length. */
KC_API const char *kc_value_string(const kc_value *v, size_t *len);
/* Elements of an array or members of an object; 0 for anything else. */
KC_API size_t kc_value_count(const kc_value *v);
/* Element i of an array, or the value of member i of an object; NULL if out of range. */
KC_API const kc_value *kc_value_at(const kc_value *v, size_t i);
/* Key of member i of an object; NULL if v is not an object or i is out of range.
 * *len (if not NULL) gets its byte length. Borrowed like v. */
KC_API const char *kc_value_key_at(const kc_value *v, size_t i, size_t *len);
/* Member of an object by exact (byte-wise, case-sensitive) key of key_len bytes
 * (no NUL needed); NULL if absent or key is NULL. */
KC_API const kc_value *kc_value_get(const kc_value *v, const char *key, size_t key_len);
/* JSON Logic truthiness: false, null, 0, "" and [] are false; all else is true. */
KC_API int kc_value_truthy(const kc_value *v);
/* 1 when two values are deeply equal (numbers by value, objects ignoring member
 * order), else 0. NULL reads as JSON null. */
KC_API int kc_value_equal(const kc_value *a, const kc_value *b);

/* Serialises v as compact JSON into a new NUL-terminated string. On success
 * *out is owned by the caller, who frees it with kc_free(ctx, *out); *len (if
 * not NULL) gets its length. Errors: KC_EINVAL, KC_ENOMEM. */
KC_API kc_status kc_value_to_json(const kc_ctx *ctx, const kc_value *v, char **out,
                                  size_t *len);

/* ------------------------------------------------------------------------ */
/* Documents                                                                */
/* ------------------------------------------------------------------------ */

typedef struct kc_doc kc_doc;

/*
 * Parses len bytes of strict RFC 8259 JSON (no NUL terminator needed; a NUL
 * byte inside is an error). source names the input in errors (NULL means
 * "<string>"). Rejected, each with its own status and line:column: malformed
 * JSON (KC_ESYNTAX), invalid UTF-8, control characters, "\u0000" or lone
 * surrogates (KC_EENCODING), duplicate keys at any depth (KC_EDUPKEY), numbers
 * that overflow a double (KC_ENUMBER), and input over the context's size, depth
 * or node limits (KC_ELIMIT). On success *out owns the document: free with
 * kc_doc_free(). The input buffer is not retained.
 */
KC_API kc_status kc_doc_parse(kc_ctx *ctx, const char *text, size_t len, const char *source,
                              kc_doc **out, kc_error *err);
/* Flags for kc_doc_parse_ex(). */
#define KC_PARSE_POSITIONS 0x1u /* record every value's line and column (kc_doc_position) */
#define KC_PARSE_COMPACT 0x2u   /* lay the tree out for reading many times (below) */

/* As kc_doc_parse(), with flags. Without KC_PARSE_POSITIONS parsing is faster
 * (for batches); errors still carry their line and column, but
 * kc_doc_position() knows nothing.
 *
 * KC_PARSE_COMPACT (ignored with KC_PARSE_POSITIONS) copies the parsed tree,
 * breadth-first, into one block sized to fit: parsing takes longer (about a
 * sixth more for a typical scenario) and the document is smaller and faster
 * to evaluate when it is no longer in the CPU's cache. The document is one
 * allocation from the context's allocator (the parse itself starts in 4 KiB
 * of stack), so documents parsed in turn tend to lie next to each other.
 * Use it for documents parsed ahead and evaluated later or many times; a
 * batch that evaluates each document right after parsing it gains nothing
 * from it. */
KC_API kc_status kc_doc_parse_ex(kc_ctx *ctx, const char *text, size_t len, const char *source,
                                 unsigned flags, kc_doc **out, kc_error *err);
/* Reads and parses a file. Errors as kc_doc_parse() plus KC_EIO. */
KC_API kc_status kc_doc_load_file(kc_ctx *ctx, const char *path, kc_doc **out, kc_error *err);
/* Copies a cJSON tree. Applies the same checks as kc_doc_parse() (duplicate
 * keys, non-finite numbers, depth and node limits), reporting a JSON Pointer
 * path instead of a line. The tree is not retained. */
KC_API kc_status kc_doc_from_cjson(kc_ctx *ctx, const struct cJSON *json, kc_doc **out,
                                   kc_error *err);
/* The root value; borrowed, valid until kc_doc_free(). NULL only for NULL doc. */
KC_API const kc_value *kc_doc_root(const kc_doc *doc);
/* Where a value of this document starts in its source text. Returns 1 and sets
 * *line and *column (1-based, code points) when known; 0 otherwise. */
KC_API int kc_doc_position(const kc_doc *doc, const kc_value *v, unsigned *line, unsigned *column);
/* Frees a document. Accepts NULL. */
KC_API void kc_doc_free(kc_doc *doc);

/* ------------------------------------------------------------------------ */
/* JSON Logic                                                               */
/* ------------------------------------------------------------------------ */

typedef struct kc_logic kc_logic;
typedef struct kc_eval kc_eval;

/*
 * Compiles a JSON Logic expression once into an immutable form: operators are
 * resolved, constants converted and variable paths split here, not at each
 * evaluation. Unknown operators (KC_EOPERATOR) and arguments that can never be
 * valid (KC_EARGS, e.g. {"if": "x"} or {"%": [1]}) fail here with the JSON
 * Pointer of the offending node and, for text, its line and column.
 * Custom operators registered on ctx before the call are visible to it.
 * On success *out owns the expression: free with kc_logic_free() before ctx.
 */
KC_API kc_status kc_logic_compile(kc_ctx *ctx, const char *text, size_t len, kc_logic **out,
                                  kc_error *err);
/* As kc_logic_compile(), from a value (e.g. part of a kc_doc, which may be
 * freed afterwards: nothing is borrowed from it). When doc is not NULL it is
 * the document that holds expr, used for line:column in errors. */
KC_API kc_status kc_logic_compile_value(kc_ctx *ctx, const kc_value *expr, const kc_doc *doc,
                                        kc_logic **out, kc_error *err);
/* As kc_logic_compile(), from a cJSON tree (not retained). */
KC_API kc_status kc_logic_compile_cjson(kc_ctx *ctx, const struct cJSON *expr, kc_logic **out,
                                        kc_error *err);
/* Frees a compiled expression. Accepts NULL. */
KC_API void kc_logic_free(kc_logic *logic);

/*
 * Creates per-thread evaluation state. It keeps its scratch memory between
 * runs, so evaluating again allocates nothing once it has grown to fit.
 * On success *out owns it: free with kc_eval_free() before ctx.
 */
KC_API kc_status kc_eval_create(kc_ctx *ctx, kc_eval **out);
/* Frees evaluation state. Accepts NULL. */
KC_API void kc_eval_free(kc_eval *ev);

/*
 * Evaluates a compiled expression against data (NULL data means JSON null).
 * On KC_OK, *result is the value, borrowed: valid until the next run on ev or
 * kc_eval_free(ev), and it may point into data or the expression.
 * When the expression raises an error ({"throw": ...}, NaN from arithmetic,
 * invalid arguments found at run time) the status is KC_ETHROWN, *result is
 * NULL and kc_eval_thrown(ev) holds the error value (e.g. {"type": "NaN"}).
 * Other errors: KC_EINVAL, KC_ENOMEM, KC_ELIMIT (KC_LIMIT_EVAL_BYTES or depth).
 * err, if not NULL, gets a message.
 */
KC_API kc_status kc_logic_run(kc_eval *ev, const kc_logic *logic, const kc_value *data,
                              const kc_value **result, kc_error *err);
/* The error value raised by the last kc_logic_run() that returned KC_ETHROWN;
 * NULL otherwise. Borrowed, valid as the result of a run is. */
KC_API const kc_value *kc_eval_thrown(const kc_eval *ev);

/* ------------------------------------------------------------------------ */
/* Custom operators                                                         */
/* ------------------------------------------------------------------------ */

/* The call in progress, handed to an operator callback. */
typedef struct kc_call kc_call;

/*
 * An operator implemented in C. Its arguments are evaluated before the call
 * (argv[0..argc-1], borrowed for the duration of the call). Return KC_OK after
 * setting the result with one of the kc_call_return_*() functions (no result
 * means null), or return what kc_call_throw() returns to raise an error value.
 * Any other status aborts the evaluation with that status. Callbacks run on the
 * evaluating thread and may be called concurrently; they must not call back
 * into evaluation on the same kc_eval.
 */
typedef kc_status (*kc_op_fn)(kc_call *call, void *ud, size_t argc, const kc_value *const *argv);

/*
 * Registers operator name on ctx with its arity (max_args < 0: unbounded).
 * Compiling a use with a different number of literal arguments fails with
 * KC_EARGS. name must not be a built-in or already registered (KC_ECONFLICT).
 * The name is copied; ud is stored and passed to fn.
 * Errors: KC_EINVAL, KC_ECONFLICT, KC_ENOMEM.
 */
KC_API kc_status kc_ctx_register_op(kc_ctx *ctx, const char *name, int min_args, int max_args,
                                    kc_op_fn fn, void *ud);

/* The kc_call_return_*() functions are valid only inside the callback that was
 * handed call; a later one replaces an earlier result. They return KC_OK, or an
 * error status (KC_ENOMEM, KC_ELIMIT, or KC_ETHROWN for a non-finite number)
 * that the callback should return. */
KC_API kc_status kc_call_return_null(kc_call *call);
KC_API kc_status kc_call_return_bool(kc_call *call, int b);
/* Non-finite numbers raise {"type": "NaN"} instead. */
KC_API kc_status kc_call_return_number(kc_call *call, double n);
/* Copies the string (len bytes of UTF-8 without NUL) into the evaluation. */
KC_API kc_status kc_call_return_string(kc_call *call, const char *s, size_t len);
/* Returns v itself; v must outlive the evaluation (an argument, part of one,
 * or part of the data or expression). */
KC_API kc_status kc_call_return_value(kc_call *call, const kc_value *v);
/* Returns a new array of the given items (copied shallowly; each item must
 * outlive the evaluation, as for kc_call_return_value()). */
KC_API kc_status kc_call_return_array(kc_call *call, const kc_value *const *items, size_t n);
/* Sets the error {"type": type} and returns KC_ETHROWN for the callback to return. */
KC_API kc_status kc_call_throw(kc_call *call, const char *type);

/* ------------------------------------------------------------------------ */
/* Diagnostics: every problem found in one pass                             */
/* ------------------------------------------------------------------------ */

/* A list of problems (each a kc_error with file, line, column and message),
 * in the order found. Owned by the object that returned it. */
typedef struct kc_diag kc_diag;

/* Number of problems; 0 for NULL. */
KC_API size_t kc_diag_count(const kc_diag *d);
/* Problem i (borrowed), or NULL when out of range. */
KC_API const kc_error *kc_diag_get(const kc_diag *d, size_t i);

/* ------------------------------------------------------------------------ */
/* Scenarios                                                                */
/* ------------------------------------------------------------------------ */

/* A scenario: one offered act and its context (docs/scenarios.md). Immutable;
 * share freely between threads. */
typedef struct kc_scenario kc_scenario;

/*
 * Parses and checks a scenario document: strict JSON (as kc_doc_parse), then
 * the known fields' types and ranges (e.g. relationship.trust is a number in
 * 0..1), and keys that look like misspelt known keys ("alergies": did you
 * mean "allergies"?). Custom fields are allowed. On failure err holds the
 * first problem (KC_ESCHEMA for shape problems) with line and column.
 * On success *out owns the scenario: free with kc_scenario_free().
 */
KC_API kc_status kc_scenario_parse(kc_ctx *ctx, const char *text, size_t len, const char *source,
                                   kc_scenario **out, kc_error *err);
/* As kc_scenario_parse(), from a file (its path names it in errors). */
KC_API kc_status kc_scenario_load_file(kc_ctx *ctx, const char *path, kc_scenario **out,
                                       kc_error *err);
/* As kc_scenario_parse(), from a cJSON tree (not retained); errors carry a
 * JSON Pointer path instead of a line. */
KC_API kc_status kc_scenario_from_cjson(kc_ctx *ctx, const struct cJSON *json, kc_scenario **out,
                                        kc_error *err);
/* Checks a scenario text and reports every problem (up to KC_LIMIT_ERRORS).
 * Returns KC_OK when there are none, else the first problem's status; *out
 * owns the list either way (free with kc_diag_free()), and is NULL only on
 * KC_ENOMEM. */
KC_API kc_status kc_scenario_check(kc_ctx *ctx, const char *text, size_t len, const char *source,
                                   kc_diag **out);
/* The scenario document; borrowed, valid until kc_scenario_free(). */
KC_API const kc_value *kc_scenario_root(const kc_scenario *s);
/* Its "id" (a scenario always has one); "" for NULL. Borrowed. */
KC_API const char *kc_scenario_id(const kc_scenario *s);
/* Frees a scenario. Accepts NULL. */
KC_API void kc_scenario_free(kc_scenario *s);
/* Frees a diagnostics list returned to the caller. Accepts NULL. */
KC_API void kc_diag_free(kc_diag *d);

/* ------------------------------------------------------------------------ */
/* Rule sets                                                                */
/* ------------------------------------------------------------------------ */

/* A compiled rule set (docs/rules.md): immutable once built; evaluation takes
 * it const, so one rule set serves any number of threads. */
typedef struct kc_ruleset kc_ruleset;

/* Composes a rule set from several sources, in order: later sources add rules
 * or override them by id ("override": true). Nothing is built until
 * kc_builder_build(), and nothing is half-built: a build with any problem
 * fails and returns no rule set. */
typedef struct kc_builder kc_builder;

/* Errors: KC_EINVAL, KC_ENOMEM. Free with kc_builder_free(). */
KC_API kc_status kc_builder_create(kc_ctx *ctx, kc_builder **out);
/* Adds a rule file. Problems in it are recorded (see kc_builder_diagnostics)
 * and returned as the first one's status; later files can still be added so
 * that every problem is reported in one pass. */
KC_API kc_status kc_builder_add_file(kc_builder *b, const char *path);
/* Adds rule-set text; source names it in messages (NULL: "<string>"). */
KC_API kc_status kc_builder_add_string(kc_builder *b, const char *text, size_t len,
                                       const char *source);
/* Adds a rule set the caller has parsed already (to look at it first, say):
 * the same as adding its text, without parsing it again. The document is only
 * read; free it whenever you like after the call. Messages name its source
 * and give line and column when it was parsed with positions (kc_doc_parse(),
 * kc_doc_load_file()); without them they give the JSON Pointer path only, in
 * the order the problems were found rather than by position. */
KC_API kc_status kc_builder_add_doc(kc_builder *b, const kc_doc *doc);
/* Adds the bundled rule set, compiled into the library. */
KC_API kc_status kc_builder_add_default(kc_builder *b);
/* Builds the rule set from everything added. Fails with the first recorded
 * problem's status if any source had a problem, or with the composition's own
 * (KC_ECONFLICT, KC_ESCHEMA) after recording it. *out owns the result. */
KC_API kc_status kc_builder_build(kc_builder *b, kc_ruleset **out);
/* Every problem recorded so far; borrowed, valid until kc_builder_free(). */
KC_API const kc_diag *kc_builder_diagnostics(const kc_builder *b);
/* Frees a builder (not the rule sets it built). Accepts NULL. */
KC_API void kc_builder_free(kc_builder *b);

/* One-file shortcuts; err gets the first problem. *out owns the rule set. */
KC_API kc_status kc_ruleset_load_file(kc_ctx *ctx, const char *path, kc_ruleset **out,
                                      kc_error *err);
KC_API kc_status kc_ruleset_load_string(kc_ctx *ctx, const char *text, size_t len,
                                        const char *source, kc_ruleset **out, kc_error *err);
/* The bundled rule set, compiled into the library: no files needed. */
KC_API kc_status kc_ruleset_load_default(kc_ctx *ctx, kc_ruleset **out, kc_error *err);
/* Frees a rule set. Accepts NULL. Free results made with it first. */
KC_API void kc_ruleset_free(kc_ruleset *rs);

/* Names and versions, joined with " + " when several files named themselves.
 * Borrowed; valid until kc_ruleset_free(). */
KC_API const char *kc_ruleset_name(const kc_ruleset *rs);
KC_API const char *kc_ruleset_version(const kc_ruleset *rs);
KC_API size_t kc_ruleset_dimension_count(const kc_ruleset *rs);
/* Id and label of dimension i (declaration order), NULL when out of range. */
KC_API const char *kc_ruleset_dimension_id(const kc_ruleset *rs, size_t i);
KC_API const char *kc_ruleset_dimension_label(const kc_ruleset *rs, size_t i);
KC_API size_t kc_ruleset_verdict_count(const kc_ruleset *rs);
/* Id and label of verdict i, best first; NULL when out of range. */
KC_API const char *kc_ruleset_verdict_id(const kc_ruleset *rs, size_t i);
KC_API const char *kc_ruleset_verdict_label(const kc_ruleset *rs, size_t i);
KC_API size_t kc_ruleset_rule_count(const kc_ruleset *rs);

/* Everything about one rule; all pointers borrowed from the rule set. */
typedef struct kc_rule_info {
    const char *id;
    const char *dimension;
    double weight;
    const char *veto;     /* verdict id, or NULL */
    const char *because;  /* template text as written */
    const char *advice;   /* template text, or NULL */
    const char *source;   /* the idea the rule encodes */
    const kc_value *when; /* the condition as written (JSON Logic) */
    const char *file;     /* where the rule was defined */
    unsigned line, column;
} kc_rule_info;

/* Rule i (definition order). Errors: KC_EINVAL, KC_ENOTFOUND. */
KC_API kc_status kc_ruleset_rule(const kc_ruleset *rs, size_t i, kc_rule_info *out);
/* Rule by id. Errors: KC_EINVAL, KC_ENOTFOUND. */
KC_API kc_status kc_ruleset_find_rule(const kc_ruleset *rs, const char *id, kc_rule_info *out);

/*
 * Checks that a rule set looks at acts from every side: for the rule set as a
 * whole and for each act kind its rules single out (constants compared with
 * act.kind or act.category), some rule must read the receiver's request, the
 * power between the two, their relationship, and history. With scenarios
 * (n may be 0), also evaluates them and reports rules that never fired (nor
 * were undecided) and rules that fired on every scenario. *out gets the
 * findings (status KC_ESCHEMA, rule position where one applies); an empty
 * list means none. Free with kc_diag_free(). Errors: KC_EINVAL, KC_ENOMEM.
 */
KC_API kc_status kc_ruleset_lint(const kc_ruleset *rs, const kc_value *const *scenarios, size_t n,
                                 kc_diag **out);

/* ------------------------------------------------------------------------ */
/* Evaluation and results                                                   */
/* ------------------------------------------------------------------------ */

/* The outcome of judging one scenario. Reusable: evaluating into the same
 * result again replaces its content and reuses its memory. Owned by one
 * thread at a time. */
typedef struct kc_result kc_result;

/* Errors: KC_EINVAL, KC_ENOMEM. Free with kc_result_free(). */
KC_API kc_status kc_result_create(const kc_ctx *ctx, kc_result **out);
/* Frees a result. Accepts NULL. */
KC_API void kc_result_free(kc_result *res);

/*
 * Judges a scenario (any JSON object; kc_scenario_root() of a checked one)
 * with a rule set, into res. The rule set is only read. Afterwards res refers
 * to both rs and scenario: keep them alive while reading res.
 * Rule conditions that raise an error count as not fired and are listed in
 * the result as problems. Errors: KC_EINVAL, KC_ENOMEM, KC_ELIMIT.
 */
KC_API kc_status kc_evaluate(const kc_ruleset *rs, const kc_value *scenario, kc_result *res,
                             kc_error *err);

/*
 * Reading a result. Before the first kc_evaluate() (or for a NULL res) the
 * readers return NULL, 0 or an empty count. Strings rendered for a result
 * (because/advice, the summary, traces, changes) stay valid until the next
 * kc_evaluate() or kc_result_set_reader() on it, or kc_result_free(); strings
 * that come from the rule set (ids, labels) live as long as the rule set.
 */

/* Verdict id (e.g. "kind") and its label. Borrowed from the rule set. */
KC_API const char *kc_result_verdict(const kc_result *res);
KC_API const char *kc_result_verdict_label(const kc_result *res);
/* Sum of the weights of the fired rules over scored dimensions. */
KC_API double kc_result_score(const kc_result *res);
/* Score of dimension i (rule-set order); 0 when out of range. */
KC_API double kc_result_dimension_score(const kc_result *res, size_t i);

/* A rule that fired, with its explanation rendered for this scenario. */
typedef struct kc_finding {
    const char *rule;
    const char *dimension;
    double weight;
    const char *veto;    /* verdict this rule caps at, or NULL */
    const char *because; /* rendered; borrowed from res */
    const char *advice;  /* rendered, or NULL */
} kc_finding;

/* Fired rules, largest contribution (|weight|) first. */
KC_API size_t kc_result_fired_count(const kc_result *res);
/* Renders on first use, hence non-const. Errors: KC_EINVAL, KC_ENOTFOUND,
 * KC_ENOMEM. */
KC_API kc_status kc_result_fired(kc_result *res, size_t i, kc_finding *out);

/* Rules that could not be decided because facts they need are absent. */
KC_API size_t kc_result_undecided_count(const kc_result *res);
/* Id of undecided rule i, or NULL. */
KC_API const char *kc_result_undecided(const kc_result *res, size_t i);

/* An open question: a missing fact that could change the verdict. */
typedef struct kc_question {
    const char *fact;     /* dotted path, e.g. "relationship.wanted" */
    size_t rules;         /* undecided rules that need it */
    double weight;        /* sum of |weight| of those rules */
    const char *could_be; /* a verdict it could lead to, or NULL if none changes */
} kc_question;

/* Open questions, most decisive first. */
KC_API size_t kc_result_question_count(const kc_result *res);
KC_API kc_status kc_result_question(const kc_result *res, size_t i, kc_question *out);

/* A plain-language paragraph naming the deciding factors, for the current
 * reader. Rendered on first use; NULL before any evaluation or when out of
 * memory. */
KC_API const char *kc_result_summary(kc_result *res);

/* ---- Told for different readers ---- */

typedef enum kc_reader {
    KC_READER_DEFAULT = 0, /* neutral wording */
    KC_READER_GIVER,       /* the person offering: actionable, never shaming */
    KC_READER_SUPPORTER,   /* someone supporting the receiver: never blaming them */
    KC_READER_AUTHOR       /* the rule author: rule ids, weights, condition trace */
} kc_reader;

/* Chooses whose wording explanations, the summary and the JSON use from now
 * on (rules may carry per-reader templates; others fall back to their
 * default text). Clears texts already rendered. Errors: KC_EINVAL. */
KC_API kc_status kc_result_set_reader(kc_result *res, kc_reader reader);
/* "default", "giver", "supporter", "author"; NULL for other values. */
KC_API const char *kc_reader_name(kc_reader reader);
/* The reader named name (as above), or -1. */
KC_API int kc_reader_from_name(const char *name);

/* For KC_READER_AUTHOR: which parts of fired rule i's condition held, with
 * the values seen, one per line ("relationship.type === \"stalker\" held:
 * relationship.type is \"stalker\""). Borrowed from res; NULL when out of
 * memory or i is out of range. */
KC_API const char *kc_result_trace(kc_result *res, size_t i);

/* ---- Intent and impact ---- */

/* The giver's intent, read apart from the impact: the score of the rule
 * set's "intent" dimension (unscored), and a word for it: "well meant",
 * "not well meant", "neutral", or "unknown" (no intent facts) — and NULL when
 * the rule set has no intent dimension. Borrowed. */
KC_API const char *kc_result_intent(const kc_result *res, double *score);

/* ---- What would make it kind ---- */

/* One way to make the act land better: a set of changes the giver controls
 * (declared in the rule set's "controls"), the verdict it reaches, and the
 * rules it flips. All strings borrowed from res and the rule set. */
typedef struct kc_change {
    size_t nsteps;
    const char *const *steps;   /* each change in plain words (the control's label) */
    const char *const *facts;   /* the fact each change sets */
    const char *verdict;        /* verdict reached with these changes */
    size_t nflipped;
    const char *const *flipped; /* rules that fire or stop firing */
} kc_change;

/*
 * Searches for the smallest sets of giver-controlled changes that make the
 * verdict the best one (e.g. "kind"): sets of 1, then 2, ... up to 5
 * changes, in the rule set's order, skipping supersets of sets already found,
 * at most 3 options and 2048 evaluations (docs/results.md). Facts about the receiver are never
 * changed. Computed on first call (hence non-const), then cached until the
 * next evaluation. Returns the number of options (0: none within reach; see
 * kc_result_change_blocker()). Errors are reported as 0 options with
 * *status (if not NULL) set.
 */
KC_API size_t kc_result_change_count(kc_result *res, kc_status *status);
/* Option i. Errors: KC_EINVAL, KC_ENOTFOUND (also before the search ran). */
KC_API kc_status kc_result_change(const kc_result *res, size_t i, kc_change *out);
/* When no option exists: the id of a fired rule whose veto no controlled
 * change lifts (NULL when the search bound, not a veto, is why). */
KC_API const char *kc_result_change_blocker(const kc_result *res);

/* Flags for kc_result_to_json(). */
#define KC_JSON_PRETTY 0x1u  /* indent */
#define KC_JSON_CHANGES 0x2u /* include "changes" (runs the search) */
#define KC_JSON_BRIEF 0x4u   /* only "scenario", "verdict", "score" and "fired" (rule
                              * ids): no explanations are rendered. For batches. */

/* The result as JSON (docs/results.md): top-level keys "scenario", "ruleset",
 * "verdict", "label", "score", "dimensions", "fired", "vetoes", "undecided",
 * "questions", "margin", "problems", "intent", "reader", "summary", and with
 * KC_JSON_CHANGES "changes". Rendered for the current reader. Caller frees
 * *out with kc_free(ctx, *out). Errors: KC_EINVAL, KC_ESTATE (nothing
 * evaluated yet), KC_ENOMEM. */
KC_API kc_status kc_result_to_json(kc_result *res, unsigned flags, char **out, size_t *len);
/* As kc_result_to_json(), into memory the result keeps: borrowed, valid until
 * the next kc_result_json(), kc_evaluate() or kc_result_free() on res. Once
 * the result has grown to fit, this allocates nothing. NULL before any
 * evaluation, for NULL res, or when out of memory. */
KC_API const char *kc_result_json(kc_result *res, unsigned flags, size_t *len);

#ifdef __cplusplus
}
#endif

#endif /* KINDCTX_H */
