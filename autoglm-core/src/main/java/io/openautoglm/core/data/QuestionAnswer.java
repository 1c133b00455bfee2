package io.openautoglm.core.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A question about a record's image with its human answers (one for synthetic data, ten in VQA v2).
 *
 * @param question the question text
 * @param answers the answers given, repeats kept (they weigh the soft targets and the VQA score)
 * @param type the question type ("color", "count", ...) or null
 */
public record QuestionAnswer(String question, List<String> answers, String type) {
    /** The manifest key of a record's list of questions, as ShapeWorld writes it. */
    public static final String KEY = "qa";

    public QuestionAnswer {
        answers = List.copyOf(answers);
    }

    /**
     * Reads a record's questions: a {@code "qa"} array of {@code {"question", "answer" or "answers",
     * "type"}} objects, or one top-level {@code "question"} with {@code "answer"} or {@code "answers"}
     * (strings, or VQA v2's {@code {"answer": ...}} objects). Empty when the record has none.
     *
     * @throws IllegalArgumentException naming what is wrong (the caller adds the file and line)
     */
    public static List<QuestionAnswer> of(ManifestRecord record) {
        return of(record, List.of(KEY));
    }

    /** As {@link #of(ManifestRecord)}, reading the question lists under each of {@code keys} in turn. */
    public static List<QuestionAnswer> of(ManifestRecord record, List<String> keys) {
        List<QuestionAnswer> out = new ArrayList<>();
        for (String key : keys) {
            JsonNode list = record.fields().get(key);
            if (list != null && !list.isNull()) {
                if (!list.isArray()) {
                    throw new IllegalArgumentException("\"" + key + "\" must be an array of {\"question\", \"answer\"} objects");
                }
                for (JsonNode n : list) {
                    out.add(read(n));
                }
            }
        }
        if (record.fields().hasNonNull("question")) {
            out.add(read(record.fields()));
        }
        return List.copyOf(out);
    }

    private static QuestionAnswer read(JsonNode n) {
        if (!n.path("question").isTextual()) {
            throw new IllegalArgumentException("a question needs a \"question\" string, found " + n);
        }
        List<String> answers = new ArrayList<>();
        if (n.path("answer").isValueNode() && !n.path("answer").isNull()) {
            answers.add(n.get("answer").asText());
        }
        for (JsonNode a : n.path("answers")) {
            answers.add(a.isObject() ? a.path("answer").asText() : a.asText());
        }
        if (answers.isEmpty()) {
            throw new IllegalArgumentException("question \"" + n.get("question").asText() + "\" has no \"answer\" or \"answers\"");
        }
        String type = n.path("type").isTextual() ? n.get("type").asText()
                : n.path("question_type").isTextual() ? n.get("question_type").asText() : null;
        return new QuestionAnswer(n.get("question").asText(), answers, type);
    }
}
