package io.openautoglm.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A false caption that is a twisted copy of a true one ("a red square left of a blue circle" for
 * "a blue square left of a red circle"): what compositional checks compare and what training can
 * use as an extra, hard negative.
 *
 * @param caption the false caption
 * @param positive the true caption it was made from
 */
public record HardNegative(String caption, String positive) {
    /** The manifest key that holds them. */
    public static final String KEY = "hard_negatives";

    /**
     * Reads a record's {@code "hard_negatives"}: strings (twins of the record's caption) or objects
     * {@code {"caption": negative, "positive": its true twin}} as ShapeWorld writes them (a missing
     * {@code positive} means the record's caption). Empty when the key is absent.
     *
     * @throws IllegalArgumentException naming what is wrong (the caller adds the file and line)
     */
    public static List<HardNegative> of(ManifestRecord record) {
        JsonNode v = record.fields().get(KEY);
        if (v == null || v.isNull() || (v.isArray() && v.isEmpty())) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("\"" + KEY + "\" must be an array of strings or of {\"caption\", \"positive\"} objects");
        }
        if (record.caption() == null) {
            throw new IllegalArgumentException("has \"" + KEY + "\" but no \"caption\" they are twins of");
        }
        List<HardNegative> out = new ArrayList<>();
        for (JsonNode n : v) {
            if (n.isTextual()) {
                out.add(new HardNegative(n.asText(), record.caption()));
            } else if (n.isObject() && n.path("caption").isTextual()) {
                out.add(new HardNegative(n.get("caption").asText(), n.path("positive").asText(record.caption())));
            } else {
                throw new IllegalArgumentException("\"" + KEY + "\" must be an array of strings or of "
                        + "{\"caption\", \"positive\"} objects, found " + n);
            }
        }
        return List.copyOf(out);
    }
}
