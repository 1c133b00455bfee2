package io.openautoglm.search;

import java.util.Map;
import java.util.Objects;

/**
 * What an index holds per item.
 *
 * @param path where the item came from (an image file), or null
 * @param contentSha256 hash of the item's source, so an incremental build can skip it when unchanged; or null
 * @param metadata string fields a search can filter on ({@code label=cat}) and that come back with each hit
 */
public record IndexEntry(String id, float[] vector, String path, String contentSha256, Map<String, String> metadata) {
    public IndexEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(vector, "vector");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("an index entry needs a non-empty id");
        }
        metadata = Map.copyOf(metadata);
    }

    public static IndexEntry of(String id, float[] vector, Map<String, String> metadata) {
        return new IndexEntry(id, vector, null, null, metadata);
    }
}
