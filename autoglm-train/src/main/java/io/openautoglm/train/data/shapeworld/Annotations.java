package io.openautoglm.train.data.shapeworld;

import java.util.List;

/**
 * Everything said about one scene.
 *
 * @param captions true captions, the most specific first
 * @param qa question/answer pairs
 * @param hardNegatives false captions made by swapping attributes or relation arguments, or replacing one attribute
 */
public record Annotations(List<Caption> captions, List<QaPair> qa, List<HardNegative> hardNegatives) {
    /**
     * @param kind full, objects, relation, count, attributes or shapes
     */
    public record Caption(String text, String kind) {}

    /**
     * @param type color, shape, count, exist or relation
     */
    public record QaPair(String question, String answer, String type) {}

    /**
     * @param type swap_color, swap_shape, swap_size, swap_relation, replace_shape, replace_color or replace_size
     * @param positive the true caption it was made from
     */
    public record HardNegative(String caption, String type, String positive) {}
}
