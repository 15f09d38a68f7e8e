/* What two threads buy on this machine, independent of Clientele: the same work per thread on
 * 1 and 2 threads, for arithmetic that stays in registers and for a sequential read of memory.
 * A stage bound by one or the other cannot scale better than these figures. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }

enum { ALU_STEPS = 400000000 };
static const size_t WORDS = (size_t)64 << 20;  /* 512 MiB of doubles, far beyond the caches */
static double *memory;

static void *arithmetic(void *arg) {
    (void)arg;
    volatile double factor = 1.0001;
    double s = 0;
    for (long i = 0; i < ALU_STEPS; i++) s = s * factor + 1e-9;
    return (void *)(long)(s > 0);
}

static void *stream(void *arg) {
    size_t first = (size_t)arg;
    double s = 0;
    for (int pass = 0; pass < 4; pass++)
        for (size_t i = first; i < first + WORDS / 2; i++) s += memory[i];
    return (void *)(long)(s > 0);
}

static double timed(int threads, void *(*body)(void *)) {
    pthread_t t[2];
    double start = now();
    for (int i = 0; i < threads; i++) pthread_create(&t[i], 0, body, (void *)(body == stream ? i * (WORDS / 2) : 0));
    for (int i = 0; i < threads; i++) pthread_join(t[i], 0);
    return now() - start;
}

int main(void) {
    memory = malloc(WORDS * sizeof(double));
    for (size_t i = 0; i < WORDS; i++) memory[i] = (double)i;
    double a1 = timed(1, arithmetic), a2 = timed(2, arithmetic);
    double m1 = timed(1, stream), m2 = timed(2, stream);
    printf("| work | 1 thread s | 2 threads s (twice the work) | throughput 2 ÷ 1 |\n|---|---:|---:|---:|\n");
    printf("| arithmetic in registers | %.3f | %.3f | %.2f× |\n", a1, a2, 2 * a1 / a2);
    printf("| sequential read, 256 MiB a thread, 4 passes | %.3f | %.3f | %.2f× |\n", m1, m2, 2 * m1 / m2);
    printf("\nsingle-thread read bandwidth %.1f GB/s; two threads %.1f GB/s\n",
           4.0 * WORDS / 2 * 8 / m1 / 1e9, 2 * 4.0 * WORDS / 2 * 8 / m2 / 1e9);
    return 0;
}
