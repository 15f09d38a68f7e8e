#include <stdio.h>
#include <unistd.h>

/// Release builds for x86-64 are compiled for x86-64-v3 (Package.swift): on an older processor
/// their first vector instruction would kill the process with SIGILL and no word of why. This
/// check runs before any Swift code (a constructor, compiled for the baseline instruction set) and
/// exits with status 69 and a message naming the portable build instead.
#if defined(__x86_64__) && defined(CLIENTELE_X86_64_V3)
__attribute__((constructor)) static void clientele_check_processor(void) {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi2")
        && __builtin_cpu_supports("avx") && __builtin_cpu_supports("popcnt")) {
        return;
    }
    static const char message[] =
        "clientele: error: this build needs an x86-64-v3 processor (AVX2, FMA, BMI2: Intel Haswell, 2013, "
        "AMD Zen or later); build a portable one with CLIENTELE_PORTABLE=1 (README, Install)\n";
    (void)!write(2, message, sizeof message - 1);
    _exit(69);
}
#endif
