package io.openautoglm.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * libtorch's bundled oneMKL runs its matrix kernels on a slow generic path on AMD processors unless
 * the vendor shim ({@code tools/mkl-on-amd}, loaded with {@code LD_PRELOAD}; {@code ./autoglm} does
 * it) tells it to choose by instruction set: about twice the speed on the hosts we measured
 * ({@code bench/cpu-tuning.sh}). This says so once at start-up, where it matters, instead of
 * leaving an operator to find out from the throughput.
 */
public final class MklVendorCheck {
    /** The shim's file name, as it appears in the process's memory map when loaded. */
    public static final String SHIM = "libmkl_intel_cpu.so";

    private MklVendorCheck() {}

    /** The note for this process, or empty (not AMD, shim loaded, or /proc unreadable). */
    public static Optional<String> note() {
        try {
            return note(Files.readString(Path.of("/proc/cpuinfo")), Files.readString(Path.of("/proc/self/maps")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The note for a processor described by {@code cpuinfo} and a process mapped as {@code maps}. */
    static Optional<String> note(String cpuinfo, String maps) {
        boolean amd = cpuinfo.lines().anyMatch(l -> l.startsWith("vendor_id") && l.contains("AuthenticAMD"));
        if (!amd || maps.contains(SHIM)) {
            return Optional.empty();
        }
        return Optional.of("note: AMD processor without the MKL vendor shim: matrix math runs about half as fast as it could. "
                + "Start through ./autoglm (it loads tools/mkl-on-amd when a C compiler can build it) or set "
                + "LD_PRELOAD to tools/mkl-on-amd/" + SHIM + " (README, Speed)");
    }
}
