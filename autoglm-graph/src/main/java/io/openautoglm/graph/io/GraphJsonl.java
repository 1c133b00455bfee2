package io.openautoglm.graph.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.graph.data.GraphEdge;
import io.openautoglm.graph.data.GraphNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Writes nodes and edges JSONL files (atomically) in the format {@code GraphFiles} reads. */
public final class GraphJsonl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphJsonl() {}

    public static void writeNodes(Path file, List<GraphNode> nodes) throws IOException {
        AtomicFiles.write(file, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            for (GraphNode n : nodes) {
                ObjectNode o = JSON.createObjectNode();
                o.put("id", n.id());
                o.put("type", n.type());
                if (n.features() != null) {
                    ArrayNode f = o.putArray("features");
                    for (float v : n.features()) {
                        f.add(Math.round(v * 1e4) / 1e4); // four decimals: a third of the file, same signal
                    }
                }
                if (n.image() != null) {
                    o.put("image", n.image());
                }
                if (n.text() != null) {
                    o.put("text", n.text());
                }
                if (n.label() != null) {
                    o.put("label", n.label());
                }
                if (n.split() != null) {
                    o.put("split", n.split().fileName());
                }
                w.write(JSON.writeValueAsString(o));
                w.write('\n');
            }
            w.flush();
        });
    }

    public static void writeEdges(Path file, List<GraphEdge> edges) throws IOException {
        AtomicFiles.write(file, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            for (GraphEdge e : edges) {
                ObjectNode o = JSON.createObjectNode();
                o.put("source", e.source());
                o.put("target", e.target());
                o.put("relation", e.relation());
                if (e.weight() != 1f) {
                    o.put("weight", e.weight());
                }
                if (e.time() != null) {
                    o.put("time", e.time());
                }
                w.write(JSON.writeValueAsString(o));
                w.write('\n');
            }
            w.flush();
        });
    }
}
