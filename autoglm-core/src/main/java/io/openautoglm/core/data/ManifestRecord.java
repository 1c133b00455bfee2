package io.openautoglm.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a JSONL manifest: an image (resolved against the manifest's folder), its captions
 * ({@code "caption"} and/or {@code "captions"}), and every other key as given ({@code label},
 * {@code split}, {@code question}, ...).
 *
 * @param lineNumber 1-based line in the manifest, for error messages
 */
public record ManifestRecord(int lineNumber, Path image, List<String> captions, ObjectNode fields) {

    /** The first caption, or null when the record has none. */
    public String caption() {
        return captions.isEmpty() ? null : captions.get(0);
    }

    /** A string field ({@code label}, {@code split}, ...), or null when absent. */
    public String get(String key) {
        JsonNode v = fields.get(key);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }

    static List<String> captionsOf(ObjectNode node) {
        List<String> out = new ArrayList<>();
        JsonNode one = node.get("caption");
        if (one != null && one.isTextual()) {
            out.add(one.asText());
        }
        JsonNode many = node.get("captions");
        if (many != null && many.isArray()) {
            many.forEach(c -> {
                if (!out.contains(c.asText())) {
                    out.add(c.asText()); // "caption" is often repeated first in "captions"
                }
            });
        }
        return List.copyOf(out);
    }
}
