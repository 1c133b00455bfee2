package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.FusionInference;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.data.QuestionAnswer;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.Progress;
import io.openautoglm.eval.metrics.VqaEvaluation;
import io.openautoglm.eval.metrics.VqaMetrics;
import io.openautoglm.eval.metrics.VqaProtocol;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers every question of a manifest ({@link QuestionAnswer}) with the model's answer head and
 * scores the answers with the official VQA v2 formula ({@link VqaEvaluation}). A question with a
 * single answer (synthetic data) counts as ten annotators who all gave it, so a right answer
 * scores 1 and a wrong one 0. Can write the three official files: questions, annotations, results.
 */
public final class VqaEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int BATCH = 64;
    private static final int VQA_ANNOTATORS = 10;

    private final MultimodalModel model;
    private final PrintWriter progress;
    private final PictureTransform transform;

    public VqaEvaluator(MultimodalModel model, PrintWriter progress) {
        this(model, progress, PictureTransform.NONE);
    }

    /** @param transform applied to each decoded picture before the model's preprocessing */
    public VqaEvaluator(MultimodalModel model, PrintWriter progress, PictureTransform transform) {
        this.model = model;
        this.progress = progress;
        this.transform = transform;
    }

    /** One question with the model's answer. {@code id} is the VQA question id; {@code imageId} the manifest line. */
    public record Prediction(long id, long imageId, String image, String question, String type, List<String> answers,
            String predicted, float score) {}

    /** The official metrics and every prediction. */
    public record Result(VqaMetrics metrics, List<Prediction> predictions) {}

    /**
     * @param limit at most this many questions (0: all), taken in manifest order
     */
    public Result evaluate(Manifest manifest, int limit) {
        return evaluate(manifest, limit, List.of(QuestionAnswer.KEY));
    }

    /** As above, reading the question lists under each of {@code keys} (a record's "question" too). */
    public Result evaluate(Manifest manifest, int limit, List<String> keys) {
        return evaluate(manifest, limit, keys, VqaProtocol.current());
    }

    /** As above, scoring under the given revision of the official evaluation. */
    public Result evaluate(Manifest manifest, int limit, List<String> keys, VqaProtocol protocol) {
        FusionInference fusion = model.fusion();
        List<Prediction> pending = new ArrayList<>();
        List<ManifestRecord> owners = new ArrayList<>();
        for (ManifestRecord r : manifest.records()) {
            List<QuestionAnswer> qas;
            try {
                qas = QuestionAnswer.of(r, keys);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(manifest.file() + ":" + r.lineNumber() + ": " + e.getMessage());
            }
            for (int i = 0; i < qas.size() && (limit <= 0 || pending.size() < limit); i++) {
                QuestionAnswer qa = qas.get(i);
                long id = r.lineNumber() * 1000L + i; // unique and stable: line, then position on the line
                pending.add(new Prediction(id, r.lineNumber(), relativeImage(manifest, r),
                        qa.question(), qa.type() == null ? "unknown" : qa.type(), qa.answers(), null, 0));
                owners.add(r);
            }
        }
        if (pending.isEmpty()) {
            throw new UserInputException(manifest.file() + " has no questions: records need a list under " + String.join(" or ", keys)
                    + " or a \"question\" with \"answer\"/\"answers\"");
        }
        List<Prediction> predictions = new ArrayList<>();
        Progress p = Progress.start(progress, "answering questions", pending.size());
        Map<Path, RgbImage> cache = new LinkedHashMap<>();
        for (int start = 0; start < pending.size(); start += BATCH) {
            int end = Math.min(pending.size(), start + BATCH);
            List<RgbImage> images = new ArrayList<>();
            List<String> questions = new ArrayList<>();
            for (int i = start; i < end; i++) {
                ManifestRecord r = owners.get(i);
                images.add(cache.computeIfAbsent(r.image(), f -> load(manifest, r)));
                questions.add(pending.get(i).question());
            }
            cache.clear();
            List<FusionInference.Answer> answers = fusion.answers(images, questions);
            for (int i = start; i < end; i++) {
                Prediction q = pending.get(i);
                FusionInference.Answer a = answers.get(i - start);
                predictions.add(new Prediction(q.id(), q.imageId(), q.image(), q.question(), q.type(), q.answers(), a.answer(),
                        a.score()));
            }
            p.advance(end - start);
        }
        p.finish();
        List<VqaEvaluation.Question> questions = new ArrayList<>();
        Map<String, String> answered = new LinkedHashMap<>();
        for (Prediction q : predictions) {
            questions.add(new VqaEvaluation.Question(Long.toString(q.id()), q.type(), answerType(q.answers()), annotators(q.answers())));
            answered.put(Long.toString(q.id()), q.predicted());
        }
        return new Result(VqaEvaluation.score(questions, answered, protocol), predictions);
    }

    /**
     * Writes VQA v2's {@code questions.json}, {@code annotations.json} and {@code results.json}
     * into {@code dir}, so the official evaluation (and {@code autoglm metrics vqa}) can score them.
     */
    public static void writeOfficial(List<Prediction> predictions, Path dir) throws IOException {
        ObjectNode questions = JSON.createObjectNode();
        ArrayNode qs = questions.putArray("questions");
        ObjectNode annotations = JSON.createObjectNode();
        ArrayNode as = annotations.putArray("annotations");
        ArrayNode results = JSON.createArrayNode();
        for (Prediction q : predictions) {
            qs.addObject().put("question_id", q.id()).put("image_id", q.imageId()).put("question", q.question());
            ObjectNode a = as.addObject();
            a.put("question_id", q.id());
            a.put("image_id", q.imageId());
            a.put("question_type", q.type());
            a.put("answer_type", answerType(q.answers()));
            a.put("multiple_choice_answer", q.answers().get(0));
            ArrayNode list = a.putArray("answers");
            List<String> human = annotators(q.answers());
            for (int i = 0; i < human.size(); i++) {
                list.addObject().put("answer", human.get(i)).put("answer_confidence", "yes").put("answer_id", i + 1);
            }
            results.addObject().put("question_id", q.id()).put("answer", q.predicted());
        }
        java.nio.file.Files.createDirectories(dir);
        AtomicFiles.writeString(dir.resolve("questions.json"), JSON.writeValueAsString(questions));
        AtomicFiles.writeString(dir.resolve("annotations.json"), JSON.writeValueAsString(annotations));
        AtomicFiles.writeString(dir.resolve("results.json"), JSON.writeValueAsString(results));
    }

    /** VQA's answer types: yes/no, number, other. */
    static String answerType(List<String> answers) {
        String a = answers.get(0);
        if (a.equals("yes") || a.equals("no")) {
            return "yes/no";
        }
        return a.chars().allMatch(Character::isDigit) ? "number" : "other";
    }

    /** The human answers as the formula needs them: one given answer stands for ten annotators who agree. */
    private static List<String> annotators(List<String> answers) {
        if (answers.size() > 1) {
            return answers;
        }
        List<String> ten = new ArrayList<>();
        for (int i = 0; i < VQA_ANNOTATORS; i++) {
            ten.add(answers.get(0));
        }
        return ten;
    }

    private RgbImage load(Manifest manifest, ManifestRecord r) {
        RgbImage picture;
        try {
            picture = model.imageLoader().load(r.image());
        } catch (UserInputException e) {
            throw new UserInputException(manifest.file() + ":" + r.lineNumber() + ": " + e.getMessage(), e);
        }
        return transform.apply(r, picture);
    }

    /** The image path as the manifest names it: relative to the manifest's folder. */
    static String relativeImage(Manifest manifest, ManifestRecord r) {
        Path folder = manifest.file().toAbsolutePath().normalize().getParent();
        return folder.relativize(r.image().toAbsolutePath().normalize()).toString();
    }
}
