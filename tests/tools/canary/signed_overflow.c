/* Planted defect: signed integer overflow (undefined behaviour). UBSan with
 * -fno-sanitize-recover must stop the program with an error. */
#include <limits.h>
#include <stdio.h>

__attribute__((noinline)) static int add(int a, int b)
{
    return a + b;
}

int main(int argc, char **argv)
{
    (void)argv;
    printf("%d\n", add(INT_MAX, argc)); /* INT_MAX + 1 */
    return 0;
}
