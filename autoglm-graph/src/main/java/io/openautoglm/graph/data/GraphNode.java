package io.openautoglm.graph.data;

/**
 * One line of a nodes JSONL file: {@code {"id", "type"?, "features"?, "image"?, "text"?, "label"?, "split"?}}.
 * {@code label} is null for unlabelled nodes, {@code split} null for nodes in no split.
 */
public record GraphNode(String id, String type, float[] features, String image, String text, String label, Split split) {
    /** The split a labelled node belongs to. */
    public enum Split {
        TRAIN, VAL, TEST;

        /** The split named in a file ("train", "val", "test"), or null when the name is none of them. */
        public static Split parse(String name) {
            return switch (name) {
                case "train" -> TRAIN;
                case "val" -> VAL;
                case "test" -> TEST;
                default -> null;
            };
        }

        public String fileName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
