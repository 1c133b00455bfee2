package io.openautoglm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * What the exact scan says, computed once and kept in a file: the queries, each query's true k
 * nearest ids, and the exact scan's queries/s on 1 and 2 threads with when and under what load they
 * were measured. At a million vectors the scan needs the vectors in memory (2 GB at 512
 * dimensions) and minutes of CPU; with this file a later run (a re-measurement of HNSW queries on a
 * quiet host) needs neither.
 *
 * @param key what the truth is for: data, n, dim, seed, queries, k; a file for another key is refused
 * @param queries (Q, D)
 * @param neighbours (Q, k) ids of the true nearest vectors, best first
 * @param exactQps queries/s of the exact scan, index 0 on 1 thread and 1 on 2 threads
 * @param timedQueries how many queries that timing ran (the first ones)
 * @param measuredAt ISO-8601 instant of the exact timing
 * @param loadAverage the host's 1-minute load average when the exact timing started
 */
record GroundTruth(Key key, float[][] queries, int[][] neighbours, double[] exactQps, int timedQueries, String measuredAt,
        double loadAverage) {
    static final String FORMAT = "autoglm-vector-bench-truth";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Key(String data, int n, int dim, long seed, int queries, int k) {
        /** {@code truth-clustered-1000000-512-seed42-q200-k10.json} */
        String fileName() {
            return String.format(Locale.ROOT, "truth-%s-%d-%d-seed%d-q%d-k%d.json", data, n, dim, seed, queries, k);
        }

        ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("data", data);
            o.put("n", n);
            o.put("dim", dim);
            o.put("seed", seed);
            o.put("queries", queries);
            o.put("k", k);
            return o;
        }

        static Key fromJson(JsonNode o) {
            return new Key(o.path("data").asText(), o.path("n").asInt(), o.path("dim").asInt(), o.path("seed").asLong(),
                    o.path("queries").asInt(), o.path("k").asInt());
        }
    }

    /** The truth stored in {@code file}, or null when there is none; refuses a file made for another key. */
    static GroundTruth read(Path file, Key expected) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserInputException("cannot read the ground-truth file " + file + ": " + e.getMessage()
                    + "; delete it or pass --fresh-truth");
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new UserInputException(file + " is not a ground-truth file of this benchmark");
        }
        Key key = Key.fromJson(root.path("key"));
        if (!key.equals(expected)) {
            throw new UserInputException("ground-truth file " + file + " is for " + key + ", not " + expected
                    + "; pass another --truth file or --fresh-truth to overwrite it");
        }
        float[][] queries = new float[key.queries()][key.dim()]; // (Q, D)
        int[][] neighbours = new int[key.queries()][key.k()]; // (Q, k)
        for (int q = 0; q < key.queries(); q++) {
            byte[] v = Base64.getDecoder().decode(root.path("query_vectors").path(q).asText());
            JsonNode ids = root.path("neighbours").path(q);
            if (v.length != 4 * key.dim() || ids.size() != key.k()) {
                throw new UserInputException(file + " is incomplete at query " + q + "; delete it or pass --fresh-truth");
            }
            ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(queries[q]);
            for (int j = 0; j < key.k(); j++) {
                neighbours[q][j] = ids.get(j).asInt();
            }
        }
        JsonNode qps = root.path("exact_qps");
        return new GroundTruth(key, queries, neighbours, new double[] {qps.path("threads_1").asDouble(), qps.path("threads_2").asDouble()},
                qps.path("queries").asInt(), root.path("measured_at").asText(), root.path("load_average").asDouble());
    }

    /** Writes the file atomically (temporary name, fsync, rename). */
    void write(Path file) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.set("key", key.toJson());
        ObjectNode qps = root.putObject("exact_qps");
        qps.put("threads_1", exactQps[0]);
        qps.put("threads_2", exactQps[1]);
        qps.put("queries", timedQueries);
        root.put("measured_at", measuredAt);
        root.put("load_average", loadAverage);
        root.put("java_version", System.getProperty("java.version"));
        ArrayNode ids = root.putArray("neighbours");
        for (int[] row : neighbours) {
            ArrayNode a = ids.addArray();
            for (int id : row) {
                a.add(id);
            }
        }
        ArrayNode vectors = root.putArray("query_vectors"); // each query's floats, little-endian, base64: exact
        for (float[] q : queries) {
            ByteBuffer bytes = ByteBuffer.allocate(4 * q.length).order(ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(q);
            vectors.add(Base64.getEncoder().encodeToString(bytes.array()));
        }
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            AtomicFiles.writeString(file, JSON.writeValueAsString(root));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
