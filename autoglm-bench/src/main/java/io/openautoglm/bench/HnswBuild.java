package io.openautoglm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.FileTrees;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.LuceneVectorIndex;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One HNSW index of the benchmark: built from the replayed vector stream, committed every
 * {@code --commit-every} vectors, with its log ({@code NAME.build.json} beside the folder) updated
 * at each commit. With {@code --reuse} a finished index is left as it is and an interrupted one is
 * continued from its last commit (its vectors are ids 0..count-1, added in order by one thread).
 */
final class HnswBuild {
    private static final ObjectMapper JSON = Harness.JSON;

    /**
     * What the log says about the index.
     *
     * @param built vectors committed so far
     * @param seconds building time over every session, wall clock (NaN when an index has no log)
     * @param cpuSeconds the process's CPU time while building, every thread (merges, GC) included: unlike the
     *     wall clock, not stretched by other work on a shared host or by a pause (SIGSTOP); NaN when unknown
     * @param mergeSeconds time of the forced merge into one segment, NaN when there was none
     * @param reused true when this run found the index finished and built nothing
     */
    record Log(int built, double seconds, double cpuSeconds, int sessions, String startedAt, String finishedAt, double loadAverage,
            double mergeSeconds, boolean reused) {
        ObjectNode toJson(HnswBuild b) {
            ObjectNode o = JSON.createObjectNode();
            o.put("data", b.options.data());
            o.put("n", b.options.n());
            o.put("dim", b.options.dim());
            o.put("seed", b.options.seed());
            o.set("settings", b.settings.toJson());
            o.put("built", built);
            putNumber(o, "seconds", seconds);
            putNumber(o, "cpu_seconds", cpuSeconds);
            o.put("sessions", sessions);
            o.put("started_at", startedAt);
            o.put("finished_at", finishedAt);
            o.put("load_average_at_start", loadAverage);
            putNumber(o, "merge_seconds", mergeSeconds);
            o.put("java_version", System.getProperty("java.version"));
            return o;
        }

        static Log fromJson(JsonNode o) {
            return new Log(o.path("built").asInt(), number(o, "seconds"), number(o, "cpu_seconds"), o.path("sessions").asInt(), o.path("started_at").asText(null),
                    o.path("finished_at").asText(null), o.path("load_average_at_start").asDouble(), number(o, "merge_seconds"), false);
        }

        /** After a commit of {@code done} vectors, with the building time so far; finished when {@code finishedNow} is not null. */
        Log committed(int done, double totalSeconds, double totalCpuSeconds, String finishedNow) {
            return new Log(done, totalSeconds, totalCpuSeconds, sessions, startedAt, finishedNow, loadAverage, mergeSeconds, false);
        }

        Log newSession() {
            return new Log(built, seconds, cpuSeconds, sessions + 1, startedAt, null, loadAverage, mergeSeconds, false);
        }

        Log asReused() {
            return new Log(built, seconds, cpuSeconds, sessions, startedAt, finishedAt, loadAverage, mergeSeconds, true);
        }

        Log merged(double mergeTime) {
            return new Log(built, seconds, cpuSeconds, sessions, startedAt, finishedAt, loadAverage, mergeTime, reused);
        }

        private static void putNumber(ObjectNode o, String key, double v) {
            if (Double.isNaN(v)) {
                o.putNull(key);
            } else {
                o.put(key, v);
            }
        }

        private static double number(JsonNode o, String key) {
            JsonNode v = o.path(key);
            return v.isNumber() ? v.asDouble() : Double.NaN;
        }
    }

    private final VectorIndexBenchmark.Options options;
    private final IndexSettings settings;
    private final Path dir;
    private final Path logFile;
    private final PrintStream err;
    private final String label;

    HnswBuild(VectorIndexBenchmark.Options options, IndexSettings settings, Path dir, PrintStream err) {
        this.options = options;
        this.settings = settings;
        this.dir = dir;
        this.logFile = dir.resolveSibling(dir.getFileName() + ".build.json");
        this.err = err;
        this.label = "hnsw " + settings.quantization() + " M=" + settings.maxConn() + " beam=" + settings.beamWidth();
    }

    /** Builds, continues or reuses the index; with --force-merge merges it into one segment. @return its log */
    Log run() throws IOException {
        IndexDirectory index;
        int start;
        Log log;
        if (options.reuse() && IndexDirectory.exists(dir)) {
            index = IndexDirectory.read(dir);
            if (!index.settings().equals(settings) || !index.model().sameModelAs(options.model())) {
                throw new UserInputException(dir + " holds " + index.settings().describe() + " of " + index.model().name()
                        + ", not " + settings.describe() + " of " + options.model().name() + "; run without --reuse to rebuild it");
            }
            start = committedPrefix(index);
            log = Files.isRegularFile(logFile) ? Log.fromJson(JSON.readTree(logFile.toFile()))
                    : new Log(start, Double.NaN, Double.NaN, 0, null, null, Double.NaN, Double.NaN, false);
            if (log.built() != start) {
                err.printf("%s: the log says %d vectors were built, the index holds %d; continuing from the index%n", label, log.built(), start);
                log = log.committed(start, log.seconds(), log.cpuSeconds(), null);
            }
            if (start == options.n()) {
                err.printf("%s: reusing %s (%,d vectors, finished %s)%n", label, dir, start, log.finishedAt());
                log = log.asReused();
            } else {
                err.printf("%s: continuing %s from its last commit, %,d of %,d vectors%n", label, dir, start, options.n());
            }
        } else {
            FileTrees.delete(dir);
            Files.deleteIfExists(logFile);
            index = IndexDirectory.create(dir, settings, options.model());
            start = 0;
            log = new Log(0, 0, 0, 0, Instant.now().toString(), null, VectorIndexBenchmark.load(), Double.NaN, false);
        }
        if (start < options.n()) {
            log = build(index, start, log);
        }
        if (options.forceMerge()) {
            log = merge(index, log);
        }
        return log;
    }

    /** How many vectors the last commit holds, after checking they are ids 0..count-1. */
    private int committedPrefix(IndexDirectory index) {
        try (LuceneVectorIndex r = (LuceneVectorIndex) index.open(false)) {
            int count = r.count();
            if (count > options.n() || (count > 0 && r.get(Integer.toString(count - 1)).isEmpty())) {
                throw new UserInputException(dir + " holds " + count + " vectors that are not ids 0.." + (count - 1)
                        + " of this data set; run without --reuse to rebuild it");
            }
            return count;
        }
    }

    private Log build(IndexDirectory index, int start, Log log) {
        err.printf("%s: building %s, %,d vectors from %,d, a commit every %,d%n", label, dir, options.n(), start, options.commitEvery());
        SyntheticVectors gen = new SyntheticVectors(options.data(), options.dim(), options.seed());
        gen.skip(start);
        Session session = new Session(log.seconds(), log.cpuSeconds(), System.nanoTime(), processCpuNanos());
        Ticker ticker = new Ticker(err, label + " build", start, options.n(), options.progressSeconds(), VectorIndexBenchmark::heap);
        Log current = log.newSession();
        try (LuceneVectorIndex w = (LuceneVectorIndex) index.open(true)) {
            for (int i = start; i < options.n(); i++) {
                w.upsert(IndexEntry.of(Integer.toString(i), gen.next(), Map.of()));
                int done = i + 1;
                if (done % options.commitEvery() == 0 || done == options.n()) {
                    w.commit();
                    current = logged(current, done, session, false);
                    err.printf("%s: committed %,d/%,d%n", label, done, options.n());
                    if (done == options.n()) {
                        // A close would abort merges still running: let them finish, as part of the build, and keep them.
                        err.printf("%s: waiting for Lucene's background merges%n", label);
                        w.waitForMerges();
                        w.commit();
                        current = logged(current, done, session, true);
                    }
                }
                if ((done & 1023) == 0) {
                    ticker.tick(done);
                }
            }
        }
        ticker.finish(options.n());
        return current;
    }

    /** The log after a commit of {@code done} vectors, written to its file. */
    /** The time earlier sessions spent, and where this one's clocks started. */
    private record Session(double beforeSeconds, double beforeCpuSeconds, long wallStart, long cpuStart) {
        double seconds() {
            return beforeSeconds + (System.nanoTime() - wallStart) / 1e9;
        }

        double cpuSeconds() {
            return cpuStart < 0 ? Double.NaN : beforeCpuSeconds + (processCpuNanos() - cpuStart) / 1e9;
        }
    }

    /** CPU time of this JVM, all threads; -1 where the platform does not say. */
    static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
    }

    private Log logged(Log current, int done, Session session, boolean finished) {
        Log log = current.committed(done, session.seconds(), session.cpuSeconds(), finished ? Instant.now().toString() : null);
        write(log);
        return log;
    }

    /** Lucene's forceMerge(1): one graph over every vector; a heartbeat line while it runs (it reports no progress). */
    private Log merge(IndexDirectory index, Log log) {
        try (LuceneVectorIndex w = (LuceneVectorIndex) index.open(true)) {
            if (w.segments() <= 1) {
                return log;
            }
            err.printf("%s: merging %d segments into one (a new graph over all %,d vectors)%n", label, w.segments(), options.n());
            long t0 = System.nanoTime();
            ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "merge-heartbeat");
                t.setDaemon(true);
                return t;
            });
            heartbeat.scheduleAtFixedRate(() -> err.printf("%s: still merging, %s elapsed, %s%n", label,
                            io.openautoglm.core.io.Progress.formatSeconds((System.nanoTime() - t0) / 1e9), VectorIndexBenchmark.heap()),
                    options.progressSeconds(), options.progressSeconds(), TimeUnit.SECONDS);
            try {
                w.forceMerge();
                w.commit();
            } finally {
                heartbeat.shutdownNow();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            err.printf("%s: merged in %.1f s%n", label, seconds);
            Log merged = log.merged(seconds);
            write(merged);
            return merged;
        }
    }

    private void write(Log log) {
        try {
            AtomicFiles.writeString(logFile, JSON.writeValueAsString(log.toJson(this)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + logFile, e);
        }
    }
}
