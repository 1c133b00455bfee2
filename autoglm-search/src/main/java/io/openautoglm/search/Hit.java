package io.openautoglm.search;

import java.util.Map;

/**
 * One search result.
 *
 * @param score cosine similarity of the query and the item (or a re-ranker's score), higher is better
 * @param path where the item came from (an image file), or null
 */
public record Hit(String id, String path, float score, Map<String, String> metadata) {
    public Hit {
        metadata = Map.copyOf(metadata);
    }

    public Hit withScore(float newScore) {
        return new Hit(id, path, newScore, metadata);
    }
}
