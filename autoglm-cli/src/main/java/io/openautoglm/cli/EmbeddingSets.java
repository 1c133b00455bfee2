package io.openautoglm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphFiles;
import io.openautoglm.graph.embed.KnnGraph;
import io.openautoglm.graph.embed.PointSet;
import io.openautoglm.search.Hit;
import io.openautoglm.search.VectorIndex;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The three vector sets {@code graph embed} reads: a vectors JSONL, an index's stored vectors, a graph's nodes. */
final class EmbeddingSets {
    private EmbeddingSets() {}

    /**
     * A JSONL of {@code {"id", "vector": [..]}} a line; every other key is metadata (strings,
     * numbers and booleans as text). Each mistake is one line naming file and line.
     */
    static PointSet vectors(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("--vectors " + file + " does not exist");
        }
        List<String> ids = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        List<Map<String, String>> metadata = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            int line = 0;
            while ((text = r.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                String at = file + ":" + line + ": ";
                JsonNode o;
                try {
                    o = Json.MAPPER.readTree(text);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UserInputException(at + "not a JSON object: " + e.getOriginalMessage());
                }
                if (o == null || !o.isObject() || !o.path("id").isValueNode() || o.path("id").asText().isEmpty()) {
                    throw new UserInputException(at + "each line needs {\"id\": ..., \"vector\": [numbers]}");
                }
                String id = o.get("id").asText();
                if (!seen.add(id)) {
                    throw new UserInputException(at + "duplicate id '" + id + "'");
                }
                JsonNode v = o.path("vector");
                if (!v.isArray() || v.isEmpty()) {
                    throw new UserInputException(at + "'" + id + "' has no \"vector\" array of numbers");
                }
                float[] row = new float[v.size()];
                for (int j = 0; j < row.length; j++) {
                    if (!v.get(j).isNumber() || !Double.isFinite(v.get(j).asDouble())) {
                        throw new UserInputException(at + "'" + id + "' has a non-number or non-finite value at vector[" + j + "]");
                    }
                    row[j] = (float) v.get(j).asDouble();
                }
                if (!rows.isEmpty() && rows.get(0).length != row.length) {
                    throw new UserInputException(at + "'" + id + "' has " + row.length + " dimensions but the first vector has "
                            + rows.get(0).length + ": all vectors need the same width");
                }
                Map<String, String> meta = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (!f.getKey().equals("id") && !f.getKey().equals("vector") && f.getValue().isValueNode()) {
                        meta.put(f.getKey(), f.getValue().asText());
                    }
                }
                ids.add(id);
                rows.add(row);
                metadata.add(meta);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new PointSet(ids, rows.toArray(new float[0][]), null, metadata);
    }

    /** Every entry of an index through the VectorIndex API: its stored vector, metadata and path (as "path"). */
    static PointSet index(IndexLocation location) {
        try (VectorIndex index = location.openToSearch()) {
            List<String> ids = new ArrayList<>(index.contentHashes().keySet());
            java.util.Collections.sort(ids); // a stable order whatever the backend's
            float[][] rows = new float[ids.size()][];
            List<Map<String, String>> metadata = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                rows[i] = index.vector(id).orElseThrow(() -> new UserInputException(location.describe() + " lists '" + id
                        + "' but holds no vector for it"));
                Map<String, String> meta = new LinkedHashMap<>();
                Hit hit = index.get(id).orElse(null);
                if (hit != null) {
                    meta.putAll(hit.metadata());
                    if (hit.path() != null) {
                        meta.put("path", hit.path());
                    }
                }
                metadata.add(meta);
            }
            return new PointSet(ids, rows, null, metadata);
        }
    }

    /**
     * A graph's nodes: their features when every node has some (the kNN graph of those), else,
     * when none has any, the given edges as the graph (each of length 1: Isomap's geodesics count hops).
     */
    static PointSet graph(Path nodes, Path edges) {
        Graph g = GraphFiles.read(nodes, edges);
        long withFeatures = java.util.Arrays.stream(g.features()).filter(f -> f != null).count();
        List<Map<String, String>> metadata = new ArrayList<>();
        for (var node : g.nodes()) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("type", node.type());
            if (node.label() != null) {
                meta.put("label", node.label());
            }
            if (node.split() != null) {
                meta.put("split", node.split().fileName());
            }
            metadata.add(meta);
        }
        if (withFeatures == g.nodeCount()) {
            return new PointSet(g.nodeIds(), g.features(), null, metadata);
        }
        if (withFeatures > 0) {
            throw new UserInputException(nodes + ": " + withFeatures + " of " + g.nodeCount() + " nodes have features: embed "
                    + "features (every node needs them) or the edges (no node may have them), not a mixture");
        }
        double[] ones = new double[g.edgeCount()];
        java.util.Arrays.fill(ones, 1.0);
        return new PointSet(g.nodeIds(), null, KnnGraph.undirected(g.nodeCount(), g.source(), g.target(), ones), metadata);
    }
}
