package io.openautoglm.graph.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.UserInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates a graph from a nodes JSONL and an edges JSONL file. Every mistake is one
 * {@link UserInputException} naming the file and line (dangling edge, duplicate id, unknown split,
 * mixed feature widths, a non-number where a number belongs), so the CLI prints one line.
 */
public final class GraphFiles {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> NODE_KEYS = Set.of("id", "type", "features", "image", "text", "label", "split");
    private static final Set<String> EDGE_KEYS = Set.of("source", "target", "relation", "weight", "time");

    private GraphFiles() {}

    public static Graph read(Path nodesFile, Path edgesFile) {
        List<GraphNode> nodes = readNodes(nodesFile);
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            index.put(nodes.get(i).id(), i);
        }
        List<GraphEdge> edges = readEdges(edgesFile, index);
        return assemble(nodes, edges);
    }

    /** Builds the numbered graph; the lists must already be valid (ids unique, edges not dangling). */
    public static Graph assemble(List<GraphNode> nodes, List<GraphEdge> edges) {
        int n = nodes.size();
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> typeIndex = new LinkedHashMap<>();
        Map<String, Integer> labelIndex = new java.util.TreeMap<>(); // sorted: "0" < "1", "fraud" after "benign"
        for (GraphNode node : nodes) {
            if (node.label() != null) {
                labelIndex.put(node.label(), 0);
            }
        }
        int li = 0;
        for (Map.Entry<String, Integer> e : labelIndex.entrySet()) {
            e.setValue(li++);
        }
        int[] types = new int[n];
        int[] label = new int[n];
        float[][] features = new float[n][];
        GraphNode.Split[] split = new GraphNode.Split[n];
        List<String> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            GraphNode node = nodes.get(i);
            ids.add(node.id());
            index.put(node.id(), i);
            types[i] = typeIndex.computeIfAbsent(node.type(), k -> typeIndex.size());
            label[i] = node.label() == null ? -1 : labelIndex.get(node.label());
            features[i] = node.features();
            split[i] = node.split();
        }
        Map<String, Integer> relationIndex = new LinkedHashMap<>();
        int e = edges.size();
        int[] source = new int[e];
        int[] target = new int[e];
        int[] relation = new int[e];
        float[] weight = new float[e];
        for (int k = 0; k < e; k++) {
            GraphEdge edge = edges.get(k);
            source[k] = index.get(edge.source());
            target[k] = index.get(edge.target());
            relation[k] = relationIndex.computeIfAbsent(edge.relation(), r -> relationIndex.size());
            weight[k] = edge.weight();
        }
        return new Graph(ids, List.copyOf(typeIndex.keySet()), types, features, List.copyOf(labelIndex.keySet()), label,
                split, List.copyOf(relationIndex.keySet()), source, target, relation, weight, index, List.copyOf(nodes));
    }

    static List<GraphNode> readNodes(Path file) {
        List<GraphNode> nodes = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        int width = -1;
        int widthLine = 0;
        int lineNo = 0;
        try (BufferedReader in = open(file, "nodes")) {
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String at = file.getFileName() + ":" + lineNo + ": ";
                JsonNode o = parse(line, at);
                unknownKeys(o, NODE_KEYS, at);
                String id = requiredText(o, "id", at);
                if (!seen.add(id)) {
                    throw new UserInputException(at + "duplicate node id '" + id + "': every id must appear once");
                }
                String type = optionalText(o, "type", at, "node");
                float[] features = null;
                JsonNode f = o.get("features");
                if (f != null && !f.isNull()) {
                    features = numbers(f, at);
                    if (width >= 0 && features.length != width) {
                        throw new UserInputException(at + "node '" + id + "' has " + features.length + " features but line "
                                + widthLine + " has " + width + ": all nodes with features need the same width");
                    }
                    width = features.length;
                    widthLine = lineNo;
                }
                GraphNode.Split split = null;
                JsonNode s = o.get("split");
                if (s != null && !s.isNull()) {
                    split = GraphNode.Split.parse(s.asText());
                    if (split == null || !s.isTextual()) {
                        throw new UserInputException(at + "unknown split '" + s.asText() + "' for node '" + id
                                + "': use train, val or test");
                    }
                }
                JsonNode l = o.get("label");
                String label = l == null || l.isNull() ? null : l.isValueNode() ? l.asText() : null;
                if (l != null && !l.isNull() && !l.isValueNode()) {
                    throw new UserInputException(at + "label of node '" + id + "' must be a string or a number");
                }
                nodes.add(new GraphNode(id, type, features, optionalText(o, "image", at, null),
                        optionalText(o, "text", at, null), label, split));
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read nodes file " + file + ": " + e.getMessage(), e);
        }
        if (nodes.isEmpty()) {
            throw new UserInputException("nodes file " + file + " has no nodes: write one JSON object per line, {\"id\": ...}");
        }
        return nodes;
    }

    static List<GraphEdge> readEdges(Path file, Map<String, Integer> index) {
        List<GraphEdge> edges = new ArrayList<>();
        int lineNo = 0;
        try (BufferedReader in = open(file, "edges")) {
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String at = file.getFileName() + ":" + lineNo + ": ";
                JsonNode o = parse(line, at);
                unknownKeys(o, EDGE_KEYS, at);
                String source = requiredText(o, "source", at);
                String target = requiredText(o, "target", at);
                for (String end : List.of(source, target)) {
                    if (!index.containsKey(end)) {
                        throw new UserInputException(at + "dangling edge: '" + end + "' is not a node id in the nodes file");
                    }
                }
                float weight = 1f;
                JsonNode w = o.get("weight");
                if (w != null && !w.isNull()) {
                    if (!w.isNumber() || !Double.isFinite(w.asDouble()) || w.asDouble() < 0) {
                        throw new UserInputException(at + "weight must be a finite number >= 0, got " + w);
                    }
                    weight = (float) w.asDouble();
                }
                JsonNode t = o.get("time");
                if (t != null && !t.isNull() && !t.isNumber()) {
                    throw new UserInputException(at + "time must be a number (seconds or any ordered unit), got " + t);
                }
                edges.add(new GraphEdge(source, target, optionalText(o, "relation", at, GraphEdge.DEFAULT_RELATION), weight,
                        t == null || t.isNull() ? null : t.asDouble()));
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read edges file " + file + ": " + e.getMessage(), e);
        }
        return edges;
    }

    private static BufferedReader open(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(what + " file " + file + " does not exist");
        }
        return Files.newBufferedReader(file, StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String line, String at) {
        try {
            JsonNode o = JSON.readTree(line);
            if (o == null || !o.isObject()) {
                throw new UserInputException(at + "expected one JSON object per line");
            }
            return o;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserInputException(at + "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static void unknownKeys(JsonNode o, Set<String> known, String at) {
        o.fieldNames().forEachRemaining(k -> {
            if (!known.contains(k)) {
                throw new UserInputException(at + "unknown key '" + k + "': expected " + new java.util.TreeSet<>(known));
            }
        });
    }

    private static String requiredText(JsonNode o, String key, String at) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull() || !v.isValueNode() || v.asText().isEmpty()) {
            throw new UserInputException(at + "missing \"" + key + "\" (a string or a number)");
        }
        return v.asText();
    }

    private static String optionalText(JsonNode o, String key, String at, String otherwise) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isTextual()) {
            throw new UserInputException(at + "\"" + key + "\" must be a string, got " + v);
        }
        return v.asText();
    }

    private static float[] numbers(JsonNode f, String at) {
        if (!f.isArray()) {
            throw new UserInputException(at + "\"features\" must be an array of numbers");
        }
        float[] out = new float[f.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = f.get(i);
            if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                throw new UserInputException(at + "feature " + i + " is not a finite number: " + v);
            }
            out[i] = (float) v.asDouble();
        }
        return out;
    }
}
