package io.openautoglm.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import java.util.Locale;

/**
 * How an index stores and searches its vectors; fixed when the index is created and recorded in
 * its {@code index.json}.
 *
 * @param maxConn HNSW graph neighbours per node (Lucene's M)
 * @param beamWidth candidates considered while inserting (Lucene's efConstruction)
 */
public record IndexSettings(Kind kind, Quantization quantization, int maxConn, int beamWidth) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public enum Kind { hnsw, exact }

    /** {@code int8}: Lucene's scalar-quantized HNSW (7-bit levels, 4x smaller graph search data; raw floats kept for re-scoring). */
    public enum Quantization { none, int8 }

    public IndexSettings {
        if (maxConn < 2 || maxConn > 512) {
            throw new UserInputException("HNSW max connections must be between 2 and 512, got " + maxConn);
        }
        if (beamWidth < 1 || beamWidth > 3200) {
            throw new UserInputException("HNSW beam width must be between 1 and 3200, got " + beamWidth);
        }
        if (kind == Kind.exact && quantization != Quantization.none) {
            throw new UserInputException("quantization applies to the hnsw index only; the exact index keeps full floats");
        }
    }

    public static IndexSettings hnsw() {
        return new IndexSettings(Kind.hnsw, Quantization.none, 16, 100);
    }

    public static IndexSettings hnswInt8() {
        return new IndexSettings(Kind.hnsw, Quantization.int8, 16, 100);
    }

    public static IndexSettings exact() {
        return new IndexSettings(Kind.exact, Quantization.none, 16, 100);
    }

    public String describe() {
        return kind == Kind.exact ? "exact" : String.format(Locale.ROOT, "hnsw (%s, M=%d, beam=%d)",
                quantization == Quantization.int8 ? "int8" : "float32", maxConn, beamWidth);
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", kind.name());
        o.put("quantization", quantization.name());
        o.put("max_conn", maxConn);
        o.put("beam_width", beamWidth);
        return o;
    }

    public static IndexSettings fromJson(JsonNode o) {
        try {
            return new IndexSettings(Kind.valueOf(o.path("kind").asText()), Quantization.valueOf(o.path("quantization").asText("none")),
                    o.path("max_conn").asInt(16), o.path("beam_width").asInt(100));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("index settings " + o + " are not ones we know: " + e.getMessage());
        }
    }
}
