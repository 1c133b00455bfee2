package io.openautoglm.graph.data;

/** One line of an edges JSONL file: {@code {"source", "target", "relation"?, "weight"?, "time"?}}. */
public record GraphEdge(String source, String target, String relation, float weight, Double time) {
    /** The relation an edge without one belongs to. */
    public static final String DEFAULT_RELATION = "edge";
}
