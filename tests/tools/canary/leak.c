/* Planted defect: a block that is never freed and no longer referenced. LSan
 * (ASan builds) and valgrind --leak-check=full --error-exitcode must fail.
 * The allocation happens in a callee: a pointer still in main's frame can
 * hide a leak from LSan. */
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
    lose(100);
    return 0;
}
