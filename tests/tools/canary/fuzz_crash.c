/* Planted defect for .ci/stages/70-fuzz.sh: a fuzz target with a heap
 * overflow on inputs that start with "FUZ". The stage runs it first, exactly
 * as the real targets, with a seed corpus holding such an input, and
 * requires that it FAILS: proof that a crash turns the stage red. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Out of line and through a volatile pointer, so the optimiser cannot drop
 * the block and its writes. */
__attribute__((noinline)) static void store(char *volatile p, const uint8_t *data, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (char)data[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size >= 3 && data[0] == 'F' && data[1] == 'U' && data[2] == 'Z') {
        char *volatile p = malloc(4);
        if (p) {
            store(p, data, size < 8 ? size : 8); /* up to 8 bytes into 4 */
            free(p);
        }
    }
    return 0;
}
