package io.openautoglm.eval.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * VQA accuracies in percent with two decimals, as the official evaluation reports them.
 *
 * @param overall the mean accuracy over all questions
 * @param perQuestionType the mean per question type, in order of first appearance in the annotations
 * @param perAnswerType the mean per answer type, in order of first appearance
 * @param questions how many questions were scored
 */
public record VqaMetrics(double overall, Map<String, Double> perQuestionType, Map<String, Double> perAnswerType, int questions) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public VqaMetrics {
        perQuestionType = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perQuestionType));
        perAnswerType = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(perAnswerType));
    }

    /** {@code {"overall", "perQuestionType": {...}, "perAnswerType": {...}}}, the official result's keys. */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("overall", overall);
        ObjectNode q = o.putObject("perQuestionType");
        perQuestionType.forEach(q::put);
        ObjectNode a = o.putObject("perAnswerType");
        perAnswerType.forEach(a::put);
        return o;
    }
}
