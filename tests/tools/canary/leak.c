/* Planted defect: blocks that are never freed and no longer referenced. LSan
 * (ASan builds) and valgrind --leak-check=full --error-exitcode must fail.
 * The allocations happen in a callee: a pointer still in main's frame can
 * hide a leak from LSan. One pointer can also linger in a register or a dead
 * stack slot that LSan scans conservatively at exit (seen about one run in
 * four with a single block), so the canary loses many blocks: the stale copy
 * can hide at most the last one. */
#include <stdlib.h>
#include <string.h>

__attribute__((noinline)) static void lose(size_t n)
{
    char *volatile p = malloc(n);
    if (p)
        memset(p, 1, n);
    p = NULL;
}

int main(void)
{
    for (size_t i = 0; i < 32; i++)
        lose(100 + i);
    return 0;
}
