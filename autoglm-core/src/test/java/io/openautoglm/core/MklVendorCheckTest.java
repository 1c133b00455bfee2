package io.openautoglm.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MklVendorCheckTest {
    private static final String AMD = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n";
    private static final String INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R)\n";
    private static final String PLAIN_MAPS = "7f00-7f01 r-xp 00000000 08:01 12 /root/.djl.ai/pytorch/libtorch_cpu.so\n";
    private static final String SHIM_MAPS = PLAIN_MAPS + "7f02-7f03 r-xp 00000000 08:01 13 /work/tools/mkl-on-amd/libmkl_intel_cpu.so\n";

    @Test
    void onlyAnAmdProcessWithoutTheShimGetsTheNote() {
        assertThat(MklVendorCheck.note(AMD, PLAIN_MAPS)).hasValueSatisfying(n -> assertThat(n).contains("AMD", "LD_PRELOAD", "tools/mkl-on-amd"));
        assertThat(MklVendorCheck.note(AMD, SHIM_MAPS)).isEmpty();
        assertThat(MklVendorCheck.note(INTEL, PLAIN_MAPS)).isEmpty();
        assertThat(MklVendorCheck.note("", "")).isEmpty();
    }
}
