package io.openautoglm.search;

import java.nio.file.Path;

/**
 * What a user searched with: a text or a picture, and its embedding. Re-rankers that look at the
 * query itself (an image-text matching model) read the text or the picture; vector ones the embedding.
 */
public record SearchQuery(String text, Path image, float[] vector) {
    public static SearchQuery ofText(String text, float[] vector) {
        return new SearchQuery(text, null, vector);
    }

    public static SearchQuery ofImage(Path image, float[] vector) {
        return new SearchQuery(null, image, vector);
    }
}
