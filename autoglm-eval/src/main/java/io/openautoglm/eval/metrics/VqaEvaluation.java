package io.openautoglm.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.UserInputException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * VQA accuracy as the official VQA v2 evaluation computes it, in either revision of that code
 * ({@link VqaProtocol}; the default is today's). Per question the answers are normalized as the
 * revision does; then for each human answer left out in turn,
 * min(1, matches among the others / 3), averaged over the answers. Overall, per question type and
 * per answer type: the mean over questions, in percent, rounded to two decimals.
 */
public final class VqaEvaluation {
    private VqaEvaluation() {}

    /** One annotated question. */
    public record Question(String id, String questionType, String answerType, List<String> answers) {
        public Question {
            answers = List.copyOf(answers);
        }
    }

    /** Reads both files and scores them; every user mistake is a {@link UserInputException}. */
    public static VqaMetrics evaluate(Path annotationsFile, Path resultsFile) {
        return evaluate(annotationsFile, resultsFile, VqaProtocol.current());
    }

    /** As above, under the given revision of the official evaluation. */
    public static VqaMetrics evaluate(Path annotationsFile, Path resultsFile, VqaProtocol protocol) {
        List<Question> questions = readAnnotations(annotationsFile);
        Map<String, String> predictions = readResults(resultsFile, questions, annotationsFile);
        return score(questions, predictions, protocol);
    }

    /** Scores predictions (question id to answer) against the questions, which all need a prediction. */
    public static VqaMetrics score(List<Question> questions, Map<String, String> predictions) {
        return score(questions, predictions, VqaProtocol.current());
    }

    /** As above, under the given revision of the official evaluation. */
    public static VqaMetrics score(List<Question> questions, Map<String, String> predictions, VqaProtocol protocol) {
        List<Double> all = new ArrayList<>();
        Map<String, List<Double>> byQuestionType = new LinkedHashMap<>();
        Map<String, List<Double>> byAnswerType = new LinkedHashMap<>();
        for (Question q : questions) {
            String predicted = predictions.get(q.id());
            if (predicted == null) {
                throw new IllegalArgumentException("no prediction for question " + q.id());
            }
            double accuracy = accuracy(predicted, q.answers(), protocol);
            all.add(accuracy);
            byQuestionType.computeIfAbsent(q.questionType(), k -> new ArrayList<>()).add(accuracy);
            byAnswerType.computeIfAbsent(q.answerType(), k -> new ArrayList<>()).add(accuracy);
        }
        return new VqaMetrics(percent(all), percents(byQuestionType), percents(byAnswerType), questions.size());
    }

    /** The accuracy of one prediction against the human answers, in [0, 1]. */
    public static double accuracy(String predicted, List<String> humanAnswers) {
        return accuracy(predicted, humanAnswers, VqaProtocol.current());
    }

    /** The accuracy of one prediction under the given revision of the official evaluation, in [0, 1]. */
    public static double accuracy(String predicted, List<String> humanAnswers, VqaProtocol protocol) {
        if (humanAnswers.isEmpty()) {
            throw new IllegalArgumentException("a question needs at least one human answer");
        }
        String answer;
        List<String> human;
        if (protocol == VqaProtocol.V2017) {
            answer = VqaAnswerNormalizer.normalizePrediction(predicted);
            human = humanAnswers;
            if (humanAnswers.stream().distinct().count() > 1) {
                human = humanAnswers.stream().map(VqaAnswerNormalizer::processPunctuation).toList();
            }
        } else {
            // Whitespace first on both sides; the agreement test sees the cleaned human answers.
            answer = VqaAnswerNormalizer.cleanWhitespace(predicted);
            human = humanAnswers.stream().map(VqaAnswerNormalizer::cleanWhitespace).toList();
            if (human.stream().distinct().count() > 1) {
                human = human.stream().map(VqaAnswerNormalizer::normalizePrediction).toList();
                answer = VqaAnswerNormalizer.normalizePrediction(answer);
            }
        }
        double sum = 0;
        for (int left = 0; left < human.size(); left++) {
            int matches = 0;
            for (int j = 0; j < human.size(); j++) {
                if (j != left && human.get(j).equals(answer)) {
                    matches++;
                }
            }
            sum += Math.min(1.0, matches / 3.0);
        }
        return sum / human.size();
    }

    private static Map<String, Double> percents(Map<String, List<Double>> groups) {
        Map<String, Double> out = new LinkedHashMap<>();
        groups.forEach((k, v) -> out.put(k, percent(v)));
        return out;
    }

    /** 100 * mean, summed left to right and rounded half-even on the exact binary value, as Python's round(x, 2). */
    static double percent(List<Double> accuracies) {
        double sum = 0;
        for (double a : accuracies) {
            sum += a;
        }
        return round2(100 * sum / accuracies.size());
    }

    static double round2(double x) {
        return new BigDecimal(x).setScale(2, RoundingMode.HALF_EVEN).doubleValue();
    }

    static List<Question> readAnnotations(Path file) {
        String option = "--annotations";
        JsonNode root = JsonInput.read(file, option);
        JsonNode annotations = root.isObject() ? root.get("annotations") : null;
        if (annotations == null || !annotations.isArray()) {
            throw new UserInputException(option + " " + file + " is not VQA v2 annotations: expected an object with an \"annotations\" array");
        }
        if (annotations.isEmpty()) {
            throw new UserInputException(option + " " + file + " has no annotations");
        }
        List<Question> questions = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < annotations.size(); i++) {
            JsonNode a = annotations.get(i);
            String where = "annotations[" + i + "]";
            if (!a.isObject()) {
                throw new UserInputException(option + " " + file + ": " + where + " is not an object");
            }
            String id = JsonInput.id(a, "question_id", file, option, where);
            Integer before = seen.put(id, i);
            if (before != null) {
                throw new UserInputException(option + " " + file + ": question_id " + id + " appears twice (annotations["
                        + before + "] and " + where + ")");
            }
            String questionType = JsonInput.text(a, "question_type", file, option, where);
            String answerType = JsonInput.text(a, "answer_type", file, option, where);
            JsonNode answers = a.get("answers");
            if (answers == null || !answers.isArray() || answers.isEmpty()) {
                throw new UserInputException(option + " " + file + ": " + where + " needs a non-empty \"answers\" array");
            }
            List<String> texts = new ArrayList<>();
            for (int j = 0; j < answers.size(); j++) {
                JsonNode ans = answers.get(j);
                if (!ans.isObject()) {
                    throw new UserInputException(option + " " + file + ": " + where + ".answers[" + j + "] is not an object");
                }
                texts.add(JsonInput.text(ans, "answer", file, option, where + ".answers[" + j + "]"));
            }
            questions.add(new Question(id, questionType, answerType, texts));
        }
        return questions;
    }

    static Map<String, String> readResults(Path file, List<Question> questions, Path annotationsFile) {
        String option = "--results";
        JsonNode root = JsonInput.read(file, option);
        if (!root.isArray()) {
            throw new UserInputException(option + " " + file + " is not VQA results: expected a JSON array of {\"question_id\", \"answer\"}");
        }
        Map<String, Question> byId = new HashMap<>();
        questions.forEach(q -> byId.put(q.id(), q));
        Map<String, String> predictions = JsonInput.keyedResults(root, file, option, "question_id", "answer", byId::containsKey,
                ", which is not in --annotations " + annotationsFile, "is answered twice", "give one answer per question");
        List<String> missing = questions.stream().map(Question::id).filter(id -> !predictions.containsKey(id)).toList();
        if (!missing.isEmpty()) {
            throw new UserInputException(option + " " + file + " has no answer for " + missing.size() + " of the "
                    + questions.size() + " annotated questions (first: question_id " + missing.get(0)
                    + "); the VQA evaluation needs an answer for every question");
        }
        return predictions;
    }
}
