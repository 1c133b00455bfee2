package io.openautoglm.graph.embed;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes an embedding, atomically, as JSONL ({@code {"id", "embedding": [..], "metadata"?: {..}}}
 * a line) or CSV ({@code id,x1..xd} then one column per metadata key), chosen by the file's ending.
 */
public final class EmbeddingFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EmbeddingFiles() {}

    /** One clear line unless the name ends in .jsonl or .csv. */
    public static void checkName(Path file) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".jsonl") && !name.endsWith(".csv")) {
            throw new UserInputException("--out " + file + ": name the file .jsonl or .csv (that picks the format)");
        }
    }

    public static void write(Path file, PointSet points, Embedding embedding) throws IOException {
        checkName(file);
        boolean csv = file.getFileName().toString().endsWith(".csv");
        TreeSet<String> keys = new TreeSet<>();
        points.metadata().forEach(m -> keys.addAll(m.keySet()));
        double[][] c = embedding.coordinates();
        AtomicFiles.write(file, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            if (csv) {
                StringBuilder header = new StringBuilder("id");
                for (int j = 1; j <= embedding.dims(); j++) {
                    header.append(",x").append(j);
                }
                keys.forEach(k -> header.append(',').append(quote(k)));
                w.write(header.append('\n').toString());
            }
            for (int i = 0; i < points.size(); i++) {
                Map<String, String> meta = points.metadata().get(i);
                if (csv) {
                    StringBuilder row = new StringBuilder(quote(points.ids().get(i)));
                    for (double v : c[i]) {
                        row.append(',').append((float) v);
                    }
                    for (String k : keys) {
                        row.append(',').append(quote(meta.getOrDefault(k, "")));
                    }
                    w.write(row.append('\n').toString());
                } else {
                    ObjectNode o = JSON.createObjectNode();
                    o.put("id", points.ids().get(i));
                    ArrayNode e = o.putArray("embedding");
                    for (double v : c[i]) {
                        e.add((float) v);
                    }
                    if (!meta.isEmpty()) {
                        ObjectNode m = o.putObject("metadata");
                        new java.util.TreeMap<>(meta).forEach(m::put);
                    }
                    w.write(JSON.writeValueAsString(o));
                    w.write('\n');
                }
            }
            w.flush();
        });
    }

    /** RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. */
    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
