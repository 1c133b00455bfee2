package io.openautoglm.bench;

import io.openautoglm.search.ExactVectorIndex;
import io.openautoglm.search.Filter;
import io.openautoglm.search.Hit;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.VectorIndex;
import io.openautoglm.solr.CollectionLayout;
import io.openautoglm.solr.SolrLocation;
import io.openautoglm.solr.SolrVectorIndex;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * SolrCloud (one shard, two shards) against the embedded Lucene index on the same synthetic unit
 * vectors and the same queries: indexing throughput (vectors/s, commit included), recall@10 against
 * exact search, and queries/s from one client thread. Same HNSW settings everywhere (M 16, beam
 * 100) and the same number of candidates (Lucene's k, Solr's topK, per shard for Solr).
 *
 * <pre>SolrVsLuceneBenchmark --solr solr://127.0.0.1:PORT [--n 100000] [--dim 128] [--data clustered]
 *     [--queries 200] [--candidates 100] [--commit-every 10000] [--work DIR] [--out FILE]</pre>
 */
public final class SolrVsLuceneBenchmark {
    static final String USAGE = "SolrVsLuceneBenchmark --solr solr://HOST:PORT [--n 100000] [--dim 128] [--data clustered|random]"
            + " [--queries 200] [--candidates 100] [--commit-every 10000] [--seed 42] [--work DIR] [--out FILE]";
    static final int K = 10;

    private SolrVsLuceneBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchArgs.main("SolrVsLuceneBenchmark", USAGE, args, SolrVsLuceneBenchmark::run);
    }

    record Result(String name, int n, double buildSeconds, double recall, double queriesPerSecond) {}

    static void run(String[] argv) throws Exception {
        BenchArgs a = BenchArgs.parse(argv, Set.of("--solr", "--n", "--dim", "--data", "--queries", "--candidates", "--commit-every",
                "--seed", "--work", "--out"), Set.of());
        String solr = a.required("--solr");
        int n = a.integer("--n", 100_000);
        int dim = a.integer("--dim", 128);
        String data = a.text("--data", "clustered");
        int queries = a.integer("--queries", 200);
        int candidates = a.integer("--candidates", 100);
        int commitEvery = a.integer("--commit-every", 10_000);
        long seed = a.whole("--seed", 42);
        Path work = a.path("--work", Files.createTempDirectory("solr-vs-lucene"));
        Path out = a.path("--out", null);

        // The vectors and queries, held once (100k x 128 floats: 51 MB).
        SyntheticVectors stream = new SyntheticVectors(data, dim, seed);
        float[][] vectors = new float[n][]; // (N, D)
        for (int i = 0; i < n; i++) {
            vectors[i] = stream.next();
        }
        float[][] probes = new float[queries][]; // (Q, D)
        for (int q = 0; q < queries; q++) {
            probes[q] = stream.next();
        }
        ModelIdentity model = new ModelIdentity("synthetic-" + data, "0".repeat(64), dim, true, "/synthetic");
        List<Set<String>> truth = exactTruth(model, vectors, probes);
        log("exact top-" + K + " of " + queries + " queries over " + n + " vectors computed");

        String stamp = Long.toString(System.currentTimeMillis(), 36);
        SolrLocation root = SolrLocation.parse(solr.endsWith("/") ? solr + "x" : solr + "/x");
        List<Result> results = new ArrayList<>();
        results.add(measure("Lucene HNSW (embedded)", vectors, probes, truth, candidates, commitEvery,
                () -> IndexDirectory.create(work.resolve("lucene-" + stamp), IndexSettings.hnsw(), model).open(true)));
        for (int shards : new int[] {1, 2}) {
            SolrLocation location = new SolrLocation(root.via(), root.hosts(), root.chroot(), "bench_" + shards + "shard_" + stamp);
            results.add(measure("SolrCloud, " + shards + " shard" + (shards > 1 ? "s" : ""), vectors, probes, truth, candidates,
                    commitEvery, () -> SolrVectorIndex.create(location, IndexSettings.hnsw(), model, new CollectionLayout(shards, 1))));
        }

        StringBuilder report = new StringBuilder();
        report.append(String.format(Locale.ROOT, "SolrCloud vs embedded Lucene HNSW: %d %s unit vectors of %d dimensions, %d queries,"
                + " k=%d, %d candidates, M 16, beam 100; one client thread; commit every %d%n", n, data, dim, queries, K, candidates,
                commitEvery));
        report.append(String.format(Locale.ROOT, "SolrCloud: %s (autoglm cluster start, 2 nodes in one JVM on this host;"
                + " SolrJ over the JDK HTTP client, javabin)%n", solr));
        report.append(String.format(Locale.ROOT, "host: %d cores, Java %s%n%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version")));
        report.append(String.format(Locale.ROOT, "%-24s %12s %12s %10s %12s%n", "index", "build s", "vectors/s", "recall@10", "queries/s"));
        for (Result r : results) {
            report.append(String.format(Locale.ROOT, "%-24s %12.1f %12.0f %10.3f %12.1f%n", r.name(), r.buildSeconds(),
                    r.n() / r.buildSeconds(), r.recall(), r.queriesPerSecond()));
        }
        System.out.print(report);
        if (out != null) {
            Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
            Files.writeString(tmp, report.toString(), StandardCharsets.UTF_8);
            Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    static List<Set<String>> exactTruth(ModelIdentity model, float[][] vectors, float[][] probes) {
        List<Set<String>> truth = new ArrayList<>();
        try (ExactVectorIndex exact = ExactVectorIndex.inMemory(model)) {
            for (int i = 0; i < vectors.length; i++) {
                exact.upsert(IndexEntry.of("v" + i, vectors[i], java.util.Map.of()));
            }
            for (float[] q : probes) {
                truth.add(ids(exact.search(q, K, Filter.NONE)));
            }
        }
        return truth;
    }

    static Result measure(String name, float[][] vectors, float[][] probes, List<Set<String>> truth, int candidates, int commitEvery,
            Supplier<VectorIndex> open) {
        log(name + ": building");
        try (VectorIndex index = open.get()) {
            long start = System.nanoTime();
            for (int i = 0; i < vectors.length; i++) {
                index.upsert(IndexEntry.of("v" + i, vectors[i], java.util.Map.of()));
                if ((i + 1) % commitEvery == 0) {
                    index.commit();
                    log(name + ": " + (i + 1) + " vectors");
                }
            }
            index.commit();
            double build = (System.nanoTime() - start) / 1e9;
            for (int q = 0; q < Math.min(20, probes.length); q++) { // warm-up: caches, JIT, searchers
                index.search(probes[q], K, Filter.NONE, candidates);
            }
            double found = 0;
            long queryStart = System.nanoTime();
            for (int q = 0; q < probes.length; q++) {
                Set<String> got = ids(index.search(probes[q], K, Filter.NONE, candidates));
                got.retainAll(truth.get(q));
                found += got.size();
            }
            double querySeconds = (System.nanoTime() - queryStart) / 1e9;
            Result r = new Result(name, vectors.length, build, found / (K * (double) probes.length), probes.length / querySeconds);
            log(String.format(Locale.ROOT, "%s: build %.1f s, recall@10 %.3f, %.1f queries/s", name, r.buildSeconds(), r.recall(),
                    r.queriesPerSecond()));
            return r;
        }
    }

    static Set<String> ids(List<Hit> hits) {
        Set<String> out = new HashSet<>();
        hits.forEach(h -> out.add(h.id()));
        return out;
    }

    private static void log(String line) {
        PrintStream err = System.err;
        err.println("[" + java.time.LocalTime.now().withNano(0) + "] " + line);
        err.flush();
    }
}
