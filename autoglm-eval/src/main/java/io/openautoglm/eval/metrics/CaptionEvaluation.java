package io.openautoglm.eval.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.UserInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Caption metrics on COCO-format files, as the COCO caption evaluation toolkit computes them:
 * captions tokenized ({@link CocoCaptionTokenizer}), then BLEU-1..4, ROUGE-L and CIDEr-D over the
 * images that have a result.
 */
public final class CaptionEvaluation {
    private CaptionEvaluation() {}

    /** How the files are read. */
    public record Options(boolean allowMissingResults, boolean pretokenized) {
        public static Options defaults() {
            return new Options(false, false);
        }
    }

    /** Reads both files and scores them; every user mistake is a {@link UserInputException}. */
    public static CaptionMetrics evaluate(Path annotationsFile, Path resultsFile, Options options) {
        Map<String, List<String>> references = readAnnotations(annotationsFile);
        Map<String, String> candidates = readResults(resultsFile, references, annotationsFile, options.allowMissingResults());
        Function<String, List<String>> tokenizer = options.pretokenized()
                ? VqaAnswerNormalizer::splitPython
                : CocoCaptionTokenizer::tokenize;
        List<ScoredImage> images = new ArrayList<>();
        // Annotation order, as the toolkit walks the images; only images with a result are scored.
        references.forEach((id, refs) -> {
            String candidate = candidates.get(id);
            if (candidate != null) {
                images.add(new ScoredImage(id, tokenizer.apply(candidate), refs.stream().map(tokenizer).toList()));
            }
        });
        return score(images);
    }

    /** All metrics of already tokenized images. */
    public static CaptionMetrics score(List<ScoredImage> images) {
        if (images.isEmpty()) {
            throw new IllegalArgumentException("no images to score");
        }
        int references = images.stream().mapToInt(i -> i.references().size()).sum();
        return new CaptionMetrics(Bleu.corpus(images), RougeL.corpus(images), CiderD.corpus(images), images.size(), references);
    }

    /** Image id to its reference captions, in order of first appearance. */
    static Map<String, List<String>> readAnnotations(Path file) {
        String option = "--annotations";
        JsonNode root = JsonInput.read(file, option);
        JsonNode annotations = root.isObject() ? root.get("annotations") : null;
        if (annotations == null || !annotations.isArray()) {
            throw new UserInputException(option + " " + file
                    + " is not COCO caption annotations: expected an object with an \"annotations\" array of {\"image_id\", \"caption\"}");
        }
        if (annotations.isEmpty()) {
            throw new UserInputException(option + " " + file + " has no annotations");
        }
        Map<String, List<String>> references = new LinkedHashMap<>();
        for (int i = 0; i < annotations.size(); i++) {
            JsonNode a = annotations.get(i);
            String where = "annotations[" + i + "]";
            if (!a.isObject()) {
                throw new UserInputException(option + " " + file + ": " + where + " is not an object");
            }
            String id = JsonInput.id(a, "image_id", file, option, where);
            String caption = JsonInput.text(a, "caption", file, option, where);
            references.computeIfAbsent(id, k -> new ArrayList<>()).add(caption);
        }
        return references;
    }

    /** Image id to its one candidate caption. */
    static Map<String, String> readResults(Path file, Map<String, List<String>> references, Path annotationsFile, boolean allowMissing) {
        String option = "--results";
        JsonNode root = JsonInput.read(file, option);
        if (!root.isArray()) {
            throw new UserInputException(option + " " + file + " is not COCO caption results: expected a JSON array of {\"image_id\", \"caption\"}");
        }
        if (root.isEmpty()) {
            throw new UserInputException(option + " " + file + " has no results");
        }
        Map<String, String> candidates = JsonInput.keyedResults(root, file, option, "image_id", "caption", references::containsKey,
                ", which has no caption in --annotations " + annotationsFile, "has two captions",
                "the COCO protocol scores exactly one caption per image");
        if (!allowMissing) {
            List<String> missing = references.keySet().stream().filter(id -> !candidates.containsKey(id)).toList();
            if (!missing.isEmpty()) {
                throw new UserInputException(option + " " + file + " has no caption for " + missing.size() + " of the "
                        + references.size() + " annotated images (first: image_id " + missing.get(0)
                        + "); add them, or pass --allow-missing-results to score only the images in the results");
            }
        }
        return candidates;
    }
}
