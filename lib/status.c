/* status.c - names and messages of status codes, generated from KC_STATUS_MAP. */
#include "kindctx.h"

const char *kc_status_name(kc_status status)
{
    switch (status) {
#define KC_STATUS_NAME_(name, value, text) \
    case KC_##name:                        \
        return "KC_" #name;
        KC_STATUS_MAP(KC_STATUS_NAME_)
#undef KC_STATUS_NAME_
    }
    return "KC_UNKNOWN";
}

const char *kc_strerror(kc_status status)
{
    switch (status) {
#define KC_STATUS_TEXT_(name, value, text) \
    case KC_##name:                        \
        return text;
        KC_STATUS_MAP(KC_STATUS_TEXT_)
#undef KC_STATUS_TEXT_
    }
    return "unknown status code";
}
