/* version_check.c - the version the header says, the one the library says,
 * and the one CMake's project() says are the same. Prints the version (for
 * version_agree.sh to compare with `kindctx --version`); exit 1 on mismatch. */
#include <stdio.h>
#include <string.h>

#include "kindctx.h"

#ifndef KC_EXPECTED_VERSION
#error "build with -DKC_EXPECTED_VERSION=\"MAJOR.MINOR.PATCH\" (CMake's PROJECT_VERSION)"
#endif

int main(void)
{
    char macros[64];
    snprintf(macros, sizeof macros, "%d.%d.%d", KC_VERSION_MAJOR, KC_VERSION_MINOR,
             KC_VERSION_PATCH);
    int ok = strcmp(kc_version(), KC_VERSION_STRING) == 0 &&
             strcmp(KC_VERSION_STRING, KC_EXPECTED_VERSION) == 0 &&
             strcmp(macros, KC_VERSION_STRING) == 0 &&
             kc_version_number() == KC_VERSION_NUMBER &&
             KC_VERSION_NUMBER ==
                 KC_VERSION_MAJOR * 1000000 + KC_VERSION_MINOR * 1000 + KC_VERSION_PATCH;
    if (!ok) {
        fprintf(stderr,
                "version mismatch: kc_version() %s, KC_VERSION_STRING %s, macros %s, "
                "project() %s, kc_version_number() %d, KC_VERSION_NUMBER %d\n",
                kc_version(), KC_VERSION_STRING, macros, KC_EXPECTED_VERSION,
                kc_version_number(), KC_VERSION_NUMBER);
        return 1;
    }
    printf("%s\n", kc_version());
    return 0;
}
