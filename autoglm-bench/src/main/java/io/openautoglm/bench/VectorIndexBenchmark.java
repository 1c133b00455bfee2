package io.openautoglm.bench;

import io.openautoglm.core.UserInputException;
import io.openautoglm.search.ExactVectorIndex;
import io.openautoglm.search.Filter;
import io.openautoglm.search.FullPrecisionScorer;
import io.openautoglm.search.Hit;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.LuceneVectorIndex;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.SearchQuery;
import io.openautoglm.search.Searcher;
import io.openautoglm.search.VectorIndex;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/**
 * HNSW (Lucene, float32 and int8) against the exact scan on synthetic unit vectors: build time,
 * size on disk, recall@10 against exact search, queries/s on 1 and 2 threads, and the ratio of
 * HNSW queries/s to the exact scan's (the peer). Random vectors (uniform on the sphere: the hard
 * case for graphs) or clustered ones (closer to real embeddings); see {@link SyntheticVectors}.
 *
 * <p>Made to run a million vectors niced in the background on a shared host:
 * <ul>
 *   <li>no copy of the vectors is kept: they are replayed from their seed, into the exact index
 *       once (the only copy, 2 GB at 1M x 512) and then into each HNSW index;
 *   <li>the exact scan's answers and timings go to a ground-truth file ({@link GroundTruth}), so the
 *       scan runs once;
 *   <li>an HNSW build commits every {@code --commit-every} vectors and keeps a log beside its folder
 *       ({@code NAME.build.json}: vectors built, seconds spent); with {@code --reuse} a finished
 *       index is measured without rebuilding (query timing again on a quiet host) and an interrupted
 *       one continues where its last commit stopped;
 *   <li>progress (vectors/s, ETA, heap) goes to stderr every {@code --progress-seconds}.
 * </ul>
 *
 * <pre>
 * java -Xmx4g -cp 'autoglm-bench/target/autoglm-bench-0.1.0-SNAPSHOT.jar:autoglm-bench/target/lib/*' io.openautoglm.bench.VectorIndexBenchmark \
 *     --n 1000000 --dim 512 --data clustered --dir /tmp/bench-1m/work --reuse
 * </pre>
 */
public final class VectorIndexBenchmark {
    private VectorIndexBenchmark() {}

    /** The command line. @param m HNSW neighbours per node; @param beam HNSW beam width while inserting */
    record Options(int n, int dim, int queries, int k, String data, long seed, List<Integer> candidates,
            List<IndexSettings.Quantization> quantizations, Path dir, int m, int beam, boolean reuse, boolean forceMerge,
            Path truth, boolean freshTruth, int exactTimingQueries, int commitEvery, int progressSeconds) {
        Options {
            if (n < 1 || dim < 1 || queries < 1 || k < 1 || exactTimingQueries < 1 || commitEvery < 1 || progressSeconds < 1) {
                throw new UserInputException("--n, --dim, --queries, --k, --exact-timing-queries, --commit-every and --progress-seconds"
                        + " must be positive");
            }
            if (k > n) {
                throw new UserInputException("--k " + k + " is more than --n " + n);
            }
            new IndexSettings(IndexSettings.Kind.hnsw, IndexSettings.Quantization.none, m, beam); // checks m and beam
        }

        static final Set<String> OPTIONS = Set.of("--n", "--dim", "--queries", "--k", "--data", "--seed", "--candidates",
                "--quantization", "--dir", "--m", "--beam", "--truth", "--exact-timing-queries", "--commit-every", "--progress-seconds");
        static final Set<String> FLAGS = Set.of("--reuse", "--force-merge", "--fresh-truth");

        static Options parse(String[] args) {
            BenchArgs a = BenchArgs.parse(args, OPTIONS, FLAGS);
            String data = a.text("--data", "random");
            if (!data.equals("random") && !data.equals("clustered")) {
                throw new UserInputException("--data must be random or clustered, got " + data);
            }
            int queries = a.integer("--queries", 200);
            return new Options(a.integer("--n", 100_000), a.integer("--dim", 512), queries, a.integer("--k", 10), data,
                    a.whole("--seed", 42), a.integers("--candidates", List.of(100, 200)),
                    parseQuantizations(a.words("--quantization", List.of("none", "int8"))),
                    a.path("--dir", Path.of(System.getProperty("java.io.tmpdir"), "autoglm-vector-bench")), a.integer("--m", 16),
                    a.integer("--beam", 100), a.flag("--reuse"), a.flag("--force-merge"), a.path("--truth", null), a.flag("--fresh-truth"),
                    Math.min(a.integer("--exact-timing-queries", 50), queries), a.integer("--commit-every", 100_000),
                    a.integer("--progress-seconds", 30));
        }

        GroundTruth.Key truthKey() {
            return new GroundTruth.Key(data, n, dim, seed, queries, k);
        }

        Path truthFile() {
            return truth != null ? truth : dir.resolve(truthKey().fileName());
        }

        /** The synthetic "model" every index of this data set records. */
        ModelIdentity model() {
            return new ModelIdentity("synthetic-" + data, "0".repeat(64), dim, true, "none");
        }
    }

    static final String USAGE = "options: --n N --dim D --data random|clustered --queries Q --k K --seed S --candidates C1,C2"
            + " --quantization none,int8 --m M --beam B --dir DIR --reuse --force-merge --truth FILE --fresh-truth --exact-timing-queries N"
            + " --commit-every N --progress-seconds S";

    public static void main(String[] args) throws Exception {
        BenchArgs.main("vector index benchmark", USAGE, args, a -> run(Options.parse(a), System.out, System.err));
    }

    static void run(Options o, PrintStream out, PrintStream err) throws Exception {
        out.printf(Locale.ROOT, "vector index benchmark: %,d %s vectors of dimension %d (seed %d), %d queries, k=%d, %d cores, Java %s,"
                        + " max heap %.1f GB%n", o.n(), o.data(), o.dim(), o.seed(), o.queries(), o.k(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Runtime.getRuntime().maxMemory() / 1e9);
        out.printf(Locale.ROOT, "HNSW M=%d beam=%d; index folders under %s%s%n", o.m(), o.beam(), o.dir(),
                o.reuse() ? " (--reuse: finished indexes are measured as they are, interrupted ones continued)" : "");
        // A shared machine skews every rate: say how busy it was.
        out.printf(Locale.ROOT, "started %s, host load average %.2f%n", Instant.now(), load());
        out.flush();
        Files.createDirectories(o.dir());

        GroundTruth truth = groundTruth(o, out, err);
        List<Set<String>> trueIds = new ArrayList<>();
        for (int[] row : truth.neighbours()) {
            Set<String> ids = new HashSet<>();
            for (int id : row) {
                ids.add(Integer.toString(id));
            }
            trueIds.add(ids);
        }
        for (IndexSettings.Quantization quantization : o.quantizations()) {
            IndexSettings settings = new IndexSettings(IndexSettings.Kind.hnsw, quantization, o.m(), o.beam());
            Path where = o.dir().resolve(String.format(Locale.ROOT, "%s-%d-%s-m%d-beam%d", o.data(), o.n(), quantization, o.m(), o.beam()));
            HnswBuild.Log log = new HnswBuild(o, settings, where, err).run();
            String label = String.format(Locale.ROOT, "hnsw %-5s", quantization);
            try (LuceneVectorIndex hnsw = (LuceneVectorIndex) IndexDirectory.read(where).open(false)) {
                if (hnsw.count() != o.n()) {
                    throw new IllegalStateException(where + " holds " + hnsw.count() + " vectors after its build, not " + o.n());
                }
                out.printf(Locale.ROOT, "%s build %s, %.1f MB on disk, %d segment%s%s%n", label,
                        Double.isNaN(log.seconds()) ? "time unknown (no build log)"
                                : String.format(Locale.ROOT, "%.1f s (%.0f vectors/s%s%s)", log.seconds(), o.n() / log.seconds(),
                                        Double.isNaN(log.cpuSeconds()) ? "" : String.format(Locale.ROOT, "; %.0f CPU s", log.cpuSeconds()),
                                        log.sessions() > 1 ? "; " + log.sessions() + " sessions" : ""),
                        IndexDirectory.read(where).sizeBytes() / 1e6, hnsw.segments(), hnsw.segments() == 1 ? "" : "s",
                        log.reused() ? String.format(Locale.ROOT, "  [reused: finished %s, load average %.2f when it started]",
                                log.finishedAt(), log.loadAverage()) : "");
                if (!Double.isNaN(log.mergeSeconds())) {
                    out.printf(Locale.ROOT, "%s merged into one segment in %.1f s%n", label, log.mergeSeconds());
                }
                out.printf(Locale.ROOT, "%s queries timed at host load average %.2f%n", label, load());
                out.flush();
                for (int c : o.candidates()) {
                    double recall = 0;
                    for (int q = 0; q < truth.queries().length; q++) {
                        Set<String> got = ids(hnsw.search(truth.queries()[q], o.k(), Filter.NONE, c));
                        got.retainAll(trueIds.get(q));
                        recall += got.size() / (double) (o.k() * truth.queries().length);
                    }
                    for (int threads = 1; threads <= 2; threads++) {
                        double rate = qps(hnsw, truth.queries(), o.k(), c, threads);
                        out.printf(Locale.ROOT,
                                "%s candidates=%-4d threads=%d  recall@%d %.3f  %8.1f queries/s  ratio vs exact %.1fx%n",
                                label, c, threads, o.k(), recall, rate, rate / truth.exactQps()[threads - 1]);
                        out.flush();
                    }
                    if (quantization != IndexSettings.Quantization.none) {
                        // What `search --rerank C` does on a quantized index: the top C by quantized
                        // score, re-scored with their stored float vectors.
                        Searcher reranked = new Searcher(hnsw, new FullPrecisionScorer(hnsw), c);
                        IntFunction<List<Hit>> search = q -> reranked.search(SearchQuery.ofText(null, truth.queries()[q]), o.k(),
                                Filter.NONE, c);
                        double rerankRecall = 0;
                        for (int q = 0; q < truth.queries().length; q++) {
                            Set<String> got = ids(search.apply(q));
                            got.retainAll(trueIds.get(q));
                            rerankRecall += got.size() / (double) (o.k() * truth.queries().length);
                        }
                        for (int threads = 1; threads <= 2; threads++) {
                            double rate = qps(search, truth.queries().length, threads, 2);
                            out.printf(Locale.ROOT,
                                    "%-10s candidates=%-4d threads=%d  recall@%d %.3f  %8.1f queries/s  ratio vs exact %.1fx%n",
                                    label.trim() + "+rerank", c, threads, o.k(), rerankRecall, rate, rate / truth.exactQps()[threads - 1]);
                            out.flush();
                        }
                    }
                }
            }
        }
        out.printf(Locale.ROOT, "finished %s, host load average %.2f%n", Instant.now(), load());
        out.flush();
    }

    /** The ground truth from its file, or computed with the exact scan (the only in-memory copy of the vectors) and saved. */
    private static GroundTruth groundTruth(Options o, PrintStream out, PrintStream err) throws Exception {
        Path file = o.truthFile();
        GroundTruth truth = o.freshTruth() ? null : GroundTruth.read(file, o.truthKey());
        boolean cached = truth != null;
        if (cached) {
            err.println("ground truth and exact-scan timings from " + file);
        } else {
            ExactVectorIndex exact = ExactVectorIndex.inMemory(o.model());
            SyntheticVectors gen = new SyntheticVectors(o.data(), o.dim(), o.seed());
            Ticker bar = new Ticker(err, "exact index: generating vectors", 0, o.n(), o.progressSeconds(), VectorIndexBenchmark::heap);
            for (int i = 0; i < o.n(); i++) {
                exact.upsert(IndexEntry.of(Integer.toString(i), gen.next(), Map.of()));
                if ((i & 1023) == 0) {
                    bar.tick(i);
                }
            }
            bar.finish(o.n());
            float[][] queries = new float[o.queries()][]; // (Q, D): the stream's next vectors after the data
            for (int q = 0; q < queries.length; q++) {
                queries[q] = gen.next();
            }
            int[][] neighbours = new int[queries.length][]; // (Q, k)
            Ticker scan = new Ticker(err, "exact scan: ground truth (2 threads)", 0, queries.length, o.progressSeconds(), null);
            java.util.concurrent.atomic.AtomicInteger scanned = new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                forEachQuery(pool, 2, queries.length, q -> {
                    neighbours[q] = exact.search(queries[q], o.k(), Filter.NONE).stream().mapToInt(h -> Integer.parseInt(h.id())).toArray();
                    int done = scanned.incrementAndGet();
                    synchronized (scan) {
                        scan.tick(done);
                    }
                });
            } finally {
                pool.shutdown();
            }
            scan.finish(queries.length);
            // The scan above warmed the code up: one timed pass per thread count, over the first queries (each scans all n vectors).
            float[][] timed = java.util.Arrays.copyOf(queries, o.exactTimingQueries());
            String measuredAt = Instant.now().toString();
            double loadAverage = load();
            double[] rates = new double[2];
            for (int threads = 1; threads <= 2; threads++) {
                err.printf(Locale.ROOT, "exact scan: timing %d queries on %d thread(s)%n", timed.length, threads);
                rates[threads - 1] = qps(exact, timed, o.k(), 0, threads, 1);
            }
            truth = new GroundTruth(o.truthKey(), queries, neighbours, rates, timed.length, measuredAt, loadAverage);
            truth.write(file);
            err.println("ground truth and exact-scan timings saved to " + file);
        }
        for (int threads = 1; threads <= 2; threads++) {
            out.printf(Locale.ROOT, "exact scan        threads=%d  %8.1f queries/s%s%n", threads, truth.exactQps()[threads - 1],
                    String.format(Locale.ROOT, "  (%d queries, measured %s at load average %.2f%s)", truth.timedQueries(),
                            truth.measuredAt(), truth.loadAverage(),
                            cached ? "; from " + file.getFileName() : ""));
        }
        out.flush();
        return truth;
    }

    /** Queries per second over all queries, split across threads, after one warm-up pass. */
    static double qps(VectorIndex index, float[][] qs, int k, int candidates, int threads) throws Exception {
        return qps(index, qs, k, candidates, threads, 2);
    }

    /** Queries per second of the last of {@code passes} passes over all queries, split across threads. */
    static double qps(VectorIndex index, float[][] qs, int k, int candidates, int threads, int passes) throws Exception {
        return qps(q -> index.search(qs[q], k, Filter.NONE, Math.max(k, candidates)), qs.length, threads, passes);
    }

    /** The same for any search of query number q. */
    static double qps(IntFunction<?> search, int queries, int threads, int passes) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double rate = 0;
            for (int pass = 0; pass < passes; pass++) {
                long t0 = System.nanoTime();
                forEachQuery(pool, threads, queries, search::apply);
                rate = queries / ((System.nanoTime() - t0) / 1e9);
            }
            return rate;
        } finally {
            pool.shutdown();
        }
    }

    /** Runs {@code body} for queries 0..count-1 on {@code threads} tasks of {@code pool} (thread t takes t, t+threads, ...) and waits. */
    private static void forEachQuery(ExecutorService pool, int threads, int count, java.util.function.IntConsumer body) throws Exception {
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            parts.add(pool.submit(() -> {
                for (int q = first; q < count; q += threads) {
                    body.accept(q);
                }
            }));
        }
        for (Future<?> f : parts) {
            f.get();
        }
    }

    static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** {@code heap 2.3 GB}: what the JVM holds now, for the progress line. */
    static String heap() {
        Runtime r = Runtime.getRuntime();
        return String.format(Locale.ROOT, "heap %.1f GB", (r.totalMemory() - r.freeMemory()) / 1e9);
    }

    private static Set<String> ids(List<Hit> hits) {
        Set<String> out = new HashSet<>();
        hits.forEach(h -> out.add(h.id()));
        return out;
    }

    private static List<IndexSettings.Quantization> parseQuantizations(List<String> names) {
        List<IndexSettings.Quantization> out = new ArrayList<>();
        for (String s : names) {
            try {
                out.add(IndexSettings.Quantization.valueOf(s.trim()));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--quantization takes none and/or int8, got " + s);
            }
        }
        return out;
    }
}
