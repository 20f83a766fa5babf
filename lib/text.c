/* text.c - small text helpers shared by the loaders and the engine. */
#include "text.h"

unsigned kc_edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    unsigned d[33][33];
    if (la > 32 || lb > 32)
        return 99;
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            unsigned best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            unsigned sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (sub < best)
                best = sub;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

int64_t kc_path_index(const char *s, size_t len)
{
    /* 15 digits stay exact in a double and far below any array we hold. */
    if (len == 0 || len > 15 || (len > 1 && s[0] == '0'))
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}
