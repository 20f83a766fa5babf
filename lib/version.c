/* version.c - the version of the library actually linked. */
#include "kindctx.h"

const char *kc_version(void)
{
    return KC_VERSION_STRING;
}

int kc_version_number(void)
{
    return KC_VERSION_NUMBER;
}
