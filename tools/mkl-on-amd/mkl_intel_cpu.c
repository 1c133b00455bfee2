/*
 * libtorch's bundled oneMKL picks its matrix kernels by CPU vendor: on AMD processors it takes a
 * generic path even where the processor has every instruction the fast path needs (AVX2, AVX-512).
 * MKL asks the question through this one exported function; answering "yes" lets it choose the
 * kernels by the instructions the CPU reports instead. Loaded with LD_PRELOAD before the JVM starts
 * (`./autoglm` does; see the README, "Speed"); it changes nothing else.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
