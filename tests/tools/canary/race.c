/* Planted defect: two threads increment a plain int without a lock.
 * ThreadSanitizer and helgrind must report the data race and fail. */
#include <pthread.h>
#include <stdio.h>

static int counter;

static void *bump(void *arg)
{
    (void)arg;
    for (int i = 0; i < 100000; i++)
        counter++;
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    if (pthread_create(&a, NULL, bump, NULL) || pthread_create(&b, NULL, bump, NULL))
        return 2;
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("%d\n", counter);
    return 0;
}
