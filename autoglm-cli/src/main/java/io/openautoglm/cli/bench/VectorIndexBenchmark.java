package io.openautoglm.cli.bench;

import io.openautoglm.search.ExactVectorIndex;
import io.openautoglm.search.Filter;
import io.openautoglm.search.Hit;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.VectorIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * HNSW (Lucene, float32 and int8) against the exact scan on synthetic unit vectors: build time,
 * size on disk, recall@10 against exact search, queries/s on 1 and 2 threads, and the ratio of
 * HNSW queries/s to the exact scan's (the peer). Random vectors (uniform on the sphere: the hard
 * case for graphs) or clustered ones (closer to real embeddings).
 *
 * <pre>
 * java -Xmx6g -cp 'autoglm-cli/target/classes:autoglm-cli/target/lib/*' io.openautoglm.cli.bench.VectorIndexBenchmark \
 *     --n 100000 --dim 512 --data clustered --queries 200 --dir /tmp/bench-index
 * </pre>
 */
public final class VectorIndexBenchmark {
    private VectorIndexBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = 100_000;
        int dim = 512;
        int queries = 200;
        int k = 10;
        String data = "random";
        List<Integer> candidates = List.of(100, 200);
        List<String> quantizations = List.of("none", "int8");
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "autoglm-vector-bench");
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(args[i + 1]);
                case "--dim" -> dim = Integer.parseInt(args[i + 1]);
                case "--queries" -> queries = Integer.parseInt(args[i + 1]);
                case "--data" -> data = args[i + 1];
                case "--candidates" -> candidates = parseInts(args[i + 1]);
                case "--quantization" -> quantizations = List.of(args[i + 1].split(","));
                case "--dir" -> dir = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ModelIdentity model = new ModelIdentity("synthetic-" + data, "0".repeat(64), dim, true, "none");
        Random random = new Random(42);
        Generator gen = data.equals("clustered") ? new Clustered(random, dim, 1000) : new Uniform(random, dim);
        float[][] vectors = new float[n][];
        for (int i = 0; i < n; i++) {
            vectors[i] = gen.next();
        }
        float[][] qs = new float[queries][];
        for (int i = 0; i < queries; i++) {
            qs[i] = gen.next();
        }
        System.out.printf(Locale.ROOT, "vector index benchmark: %,d %s vectors of dimension %d, %d queries, k=%d, %d cores, Java %s%n",
                n, data, dim, queries, k, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        // A shared machine skews every rate: say how busy it was.
        System.out.printf(Locale.ROOT, "host load average at start: %.2f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        ExactVectorIndex exact = ExactVectorIndex.inMemory(model);
        for (int i = 0; i < n; i++) {
            exact.upsert(IndexEntry.of(Integer.toString(i), vectors[i], Map.of()));
        }
        List<Set<String>> truth = new ArrayList<>();
        for (float[] q : qs) {
            truth.add(ids(exact.search(q, k, Filter.NONE)));
        }
        double[] exactQps = new double[3];
        for (int threads = 1; threads <= 2; threads++) {
            exactQps[threads] = qps(exact, qs, k, 0, threads);
            System.out.printf(Locale.ROOT, "exact scan        threads=%d  %8.1f queries/s%n", threads, exactQps[threads]);
        }
        for (String quantization : quantizations) {
            IndexSettings settings = new IndexSettings(IndexSettings.Kind.hnsw, IndexSettings.Quantization.valueOf(quantization), 16, 100);
            Path where = dir.resolve(data + "-" + n + "-" + quantization);
            io.openautoglm.core.io.FileTrees.delete(where);
            IndexDirectory index = IndexDirectory.create(where, settings, model);
            long t0 = System.nanoTime();
            try (VectorIndex hnsw = index.open(true)) {
                for (int i = 0; i < n; i++) {
                    hnsw.upsert(IndexEntry.of(Integer.toString(i), vectors[i], Map.of()));
                }
                hnsw.commit();
            }
            double buildSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "hnsw %-5s build %.1f s (%.0f vectors/s), %.1f MB on disk%n", quantization, buildSeconds,
                    n / buildSeconds, index.sizeBytes() / 1e6);
            try (VectorIndex hnsw = index.open(false)) {
                for (int c : candidates) {
                    double recall = 0;
                    for (int q = 0; q < qs.length; q++) {
                        Set<String> got = ids(hnsw.search(qs[q], k, Filter.NONE, c));
                        got.retainAll(truth.get(q));
                        recall += got.size() / (double) (k * qs.length);
                    }
                    for (int threads = 1; threads <= 2; threads++) {
                        double rate = qps(hnsw, qs, k, c, threads);
                        System.out.printf(Locale.ROOT,
                                "hnsw %-5s candidates=%-4d threads=%d  recall@10 %.3f  %8.1f queries/s  ratio vs exact %.1fx%n",
                                quantization, c, threads, recall, rate, rate / exactQps[threads]);
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "host load average at end: %.2f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /** Queries per second over all queries, split across threads, after one warm-up pass. */
    private static double qps(VectorIndex index, float[][] qs, int k, int candidates, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int pass = 0; pass < 2; pass++) {
                long t0 = System.nanoTime();
                List<Future<?>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int first = t;
                    parts.add(pool.submit(() -> {
                        for (int q = first; q < qs.length; q += threads) {
                            index.search(qs[q], k, Filter.NONE, Math.max(k, candidates));
                        }
                    }));
                }
                for (Future<?> f : parts) {
                    f.get();
                }
                if (pass == 1) {
                    return qs.length / ((System.nanoTime() - t0) / 1e9);
                }
            }
            throw new IllegalStateException();
        } finally {
            pool.shutdown();
        }
    }

    private static Set<String> ids(List<Hit> hits) {
        Set<String> out = new HashSet<>();
        hits.forEach(h -> out.add(h.id()));
        return out;
    }

    private static List<Integer> parseInts(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }

    private interface Generator {
        float[] next();
    }

    /** Uniform on the unit sphere. */
    private record Uniform(Random random, int dim) implements Generator {
        public float[] next() {
            float[] v = new float[dim];
            for (int i = 0; i < dim; i++) {
                v[i] = (float) random.nextGaussian();
            }
            return normalize(v);
        }
    }

    /** Around one of {@code clusters} random centres: centre plus a noise vector of 0.7 its length. */
    private static final class Clustered implements Generator {
        private final Random random;
        private final float[][] centres;
        private final Uniform noise;

        Clustered(Random random, int dim, int clusters) {
            this.random = random;
            this.noise = new Uniform(random, dim);
            this.centres = new float[clusters][];
            for (int c = 0; c < clusters; c++) {
                centres[c] = noise.next();
            }
        }

        public float[] next() {
            float[] c = centres[random.nextInt(centres.length)];
            float[] u = noise.next();
            float[] v = new float[c.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = c[i] + 0.7f * u[i];
            }
            return normalize(v);
        }
    }

    private static float[] normalize(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }
}
