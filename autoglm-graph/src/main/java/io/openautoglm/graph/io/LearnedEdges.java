package io.openautoglm.graph.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.nn.EdgeList;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The edges {@code graph.structure: learned} adds, as JSONL {@code {"source", "target", "weight"}}
 * with the nodes file's ids: kept in the model directory (so eval and predict pass messages along
 * the same graph the model was trained on) and exported by {@code graph train --export-edges}.
 * Inside a model they are one more relation, {@link #RELATION}.
 */
public final class LearnedEdges {
    public static final String FILE = "learned-edges.jsonl";
    public static final String RELATION = "learned_structure";
    private static final ObjectMapper JSON = new ObjectMapper();

    private LearnedEdges() {}

    /** Writes the edges with node ids, atomically (temporary name, fsync, rename). */
    public static void write(Path file, Graph graph, EdgeList edges) throws IOException {
        AtomicFiles.write(file, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            for (int e = 0; e < edges.edgeCount(); e++) {
                ObjectNode o = JSON.createObjectNode();
                o.put("source", graph.nodeIds().get(edges.source()[e]));
                o.put("target", graph.nodeIds().get(edges.target()[e]));
                o.put("weight", edges.weight()[e]);
                w.write(JSON.writeValueAsString(o));
                w.write('\n');
            }
            w.flush();
        });
    }

    /** Reads the edges back over {@code graph}'s node numbering, with relation number {@code relation} of {@code relationCount}. */
    public static EdgeList read(Path file, Graph graph, int relation, int relationCount) {
        List<int[]> pairs = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        try {
            int line = 0;
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode o = JSON.readTree(text);
                Integer source = graph.indexById().get(o.path("source").asText());
                Integer target = graph.indexById().get(o.path("target").asText());
                if (source == null || target == null) {
                    throw new UserInputException(file + ":" + line + ": learned edge " + o.path("source").asText() + " -> "
                            + o.path("target").asText() + " names a node the nodes file lacks: give the nodes the model was trained on");
                }
                pairs.add(new int[] {source, target});
                weights.add((float) o.path("weight").asDouble(1));
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
        int[] s = new int[pairs.size()];
        int[] t = new int[pairs.size()];
        float[] w = new float[pairs.size()];
        for (int e = 0; e < s.length; e++) {
            s[e] = pairs.get(e)[0];
            t[e] = pairs.get(e)[1];
            w[e] = weights.get(e);
        }
        int[] r = new int[s.length];
        java.util.Arrays.fill(r, relation);
        return new EdgeList(graph.nodeCount(), s, t, r, w, relationCount);
    }

    /** The given edges followed by the learned ones (relation numbers as each list has them). */
    public static EdgeList union(EdgeList given, EdgeList learned) {
        int a = given.edgeCount();
        int e = a + learned.edgeCount();
        int[] s = new int[e];
        int[] t = new int[e];
        int[] r = new int[e];
        float[] w = new float[e];
        System.arraycopy(given.source(), 0, s, 0, a);
        System.arraycopy(learned.source(), 0, s, a, learned.edgeCount());
        System.arraycopy(given.target(), 0, t, 0, a);
        System.arraycopy(learned.target(), 0, t, a, learned.edgeCount());
        System.arraycopy(given.relation(), 0, r, 0, a);
        System.arraycopy(learned.relation(), 0, r, a, learned.edgeCount());
        System.arraycopy(given.weight(), 0, w, 0, a);
        System.arraycopy(learned.weight(), 0, w, a, learned.edgeCount());
        return new EdgeList(given.nodeCount(), s, t, r, w, Math.max(given.relationCount(), learned.relationCount()));
    }

    /** The learner's edges (relation 0 of 1) as relation {@code relation} of {@code relationCount}. */
    public static EdgeList asRelation(EdgeList learned, int relation, int relationCount) {
        int[] r = new int[learned.edgeCount()];
        java.util.Arrays.fill(r, relation);
        return new EdgeList(learned.nodeCount(), learned.source(), learned.target(), r, learned.weight(), relationCount);
    }
}
