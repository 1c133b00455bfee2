package io.openautoglm.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * What every benchmark process records about itself, and how its result files are written: the
 * engine it ran on, its peak resident memory, the JVM's garbage-collection time and count, and
 * JSON written to a temporary name and renamed, so a killed run never leaves half a result.
 */
final class Harness {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Path STATUS = Path.of("/proc/self/status");

    private Harness() {}

    /**
     * Loads libtorch with {@code threads} intra-op threads and one inter-op thread, offline, unless
     * the command line's {@code -D} properties say otherwise. PtEngine reads them once, when the
     * engine loads: call this before anything touches it.
     */
    static void startEngine(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", Integer.toString(threads)));
        System.setProperty("ai.djl.pytorch.num_interop_threads", System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        TorchRuntime.engine();
    }

    /** A result's first keys: the implementation, Java, libtorch and its thread counts. */
    static ObjectNode engineResult() {
        ObjectNode out = JSON.createObjectNode();
        String torch = TorchRuntime.engine().getVersion();
        out.put("implementation", "open-autoglm (DJL " + ai.djl.engine.Engine.getDjlVersion() + " + libtorch " + torch + ")");
        out.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        out.put("torch_version", torch);
        out.put("intra_op_threads", TorchRuntime.intraOpThreads());
        out.put("inter_op_threads", TorchRuntime.interOpThreads());
        return out;
    }

    /** A result's last keys: peak RSS (on Linux), the JVM's heap limit and options, its GC totals. */
    static void putProcess(ObjectNode out) {
        peakRssKb().ifPresent(kb -> out.put("peak_rss_mb", kb / 1024.0));
        out.put("jvm_max_heap_mb", Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0));
        out.put("jvm_args", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        Gc gc = Gc.now();
        out.put("gc_ms_total", gc.millis());
        out.put("gc_count_total", gc.count());
    }

    /**
     * The process's peak resident memory (VmHWM, kB, JVM and native memory together); empty off
     * Linux, where there is no {@code /proc/self/status}.
     */
    static OptionalLong peakRssKb() {
        return statusKb(STATUS, "VmHWM:");
    }

    /** A {@code NAME: 1234 kB} line of a {@code /proc/PID/status} file; empty when the file or the line is missing. */
    static OptionalLong statusKb(Path status, String key) {
        if (!Files.isReadable(status)) {
            return OptionalLong.empty();
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith(key)) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // a process that exited, or a kernel that writes the line another way: no figure
        }
        return OptionalLong.empty();
    }

    /** {@code 812} from {@link #peakRssKb} in MB for a printed table, or NaN off Linux. */
    static double peakRssMb() {
        OptionalLong kb = peakRssKb();
        return kb.isPresent() ? kb.getAsLong() / 1024.0 : Double.NaN;
    }

    /** The JVM's garbage collections so far, every collector summed: how many, and milliseconds spent. */
    record Gc(long count, long millis) {
        static Gc now() {
            long count = 0;
            long ms = 0;
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                count += Math.max(0, gc.getCollectionCount()); // -1: the collector does not say
                ms += Math.max(0, gc.getCollectionTime());
            }
            return new Gc(count, ms);
        }

        /** What happened between {@code before} and now. */
        static Gc since(Gc before) {
            Gc now = now();
            return new Gc(now.count - before.count, now.millis - before.millis);
        }
    }

    /** Writes {@code result} as indented JSON to a temporary sibling, fsyncs it and renames it over {@code file}. */
    static void writeJson(Path file, JsonNode result) {
        try {
            // AtomicFiles flushes and fsyncs the stream after this: Jackson must not close it.
            AtomicFiles.write(file, out -> JSON.writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, result));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
