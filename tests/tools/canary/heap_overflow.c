/* Planted defect: reads one byte past a heap block. ASan and valgrind must
 * report it and fail (tests/CMakeLists.txt, "hardening tests"). */
#include <stdlib.h>
#include <string.h>

/* In a callee, and through a volatile index, so the compiler cannot prove
 * the read out of bounds and drop it. */
__attribute__((noinline)) static int read_at(const char *p, volatile size_t i)
{
    return p[i];
}

int main(int argc, char **argv)
{
    (void)argv;
    char *p = malloc(16);
    if (!p)
        return 2;
    memset(p, 'x', 16);
    volatile int sink = read_at(p, 16 + (size_t)argc - 1); /* p[16] */
    (void)sink;
    free(p);
    return 0; /* unless the read is caught */
}
