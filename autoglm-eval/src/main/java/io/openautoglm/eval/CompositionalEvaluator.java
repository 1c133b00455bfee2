package io.openautoglm.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The compositional check on hard negatives (ShapeWorld-style "red square left of blue circle"
 * against "blue square left of red circle"): for each record with a {@code "hard_negatives"}
 * array, does the image score its true caption (the first caption) above each swapped twin? A tie
 * counts as a failure: a model that cannot tell the two apart has not understood the difference.
 * Records without the key, or with an empty array, are skipped and counted.
 */
public final class CompositionalEvaluator {
    public static final String KEY = "hard_negatives";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MultimodalModel model;
    private final PrintWriter progress;

    /** @param progress where progress lines go for long runs (stderr), or null for none */
    public CompositionalEvaluator(MultimodalModel model, PrintWriter progress) {
        this.model = model;
        this.progress = progress;
    }

    /**
     * @param accuracy           fraction of (record, negative) pairs where the true caption wins
     * @param allNegativesBeaten fraction of records whose true caption beats every one of its negatives
     * @param n                  number of (record, negative) pairs
     * @param records            number of records evaluated
     * @param skipped            records without hard negatives
     */
    public record Result(double accuracy, double allNegativesBeaten, int n, int records, int skipped) {
        public ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("accuracy", accuracy);
            o.put("all_negatives_beaten", allNegativesBeaten);
            o.put("n", n);
            o.put("records", records);
            o.put("skipped", skipped);
            return o;
        }
    }

    /**
     * Pure counting. {@code positive[r]} is sim(image r, its caption); {@code negatives[r][k]} is
     * sim(image r, its k-th hard negative). Every record needs at least one negative.
     */
    public static Result score(float[] positive, float[][] negatives, int skipped) {
        if (positive.length != negatives.length || positive.length == 0) {
            throw new IllegalArgumentException("need as many negative rows as positives, at least one: "
                    + positive.length + " vs " + negatives.length);
        }
        int pairs = 0;
        int won = 0;
        int allBeaten = 0;
        for (int r = 0; r < positive.length; r++) {
            if (negatives[r].length == 0) {
                throw new IllegalArgumentException("record " + r + " has no negatives");
            }
            int mine = 0;
            for (float neg : negatives[r]) {
                mine += positive[r] > neg ? 1 : 0; // false for ties and NaN
            }
            pairs += negatives[r].length;
            won += mine;
            allBeaten += mine == negatives[r].length ? 1 : 0;
        }
        return new Result((double) won / pairs, (double) allBeaten / positive.length, pairs, positive.length, skipped);
    }

    public Result evaluate(Manifest manifest) {
        List<ManifestRecord> kept = new ArrayList<>();
        List<List<String>> negatives = new ArrayList<>();
        for (ManifestRecord r : manifest.records()) {
            JsonNode v = r.fields().get(KEY);
            if (v == null || v.isNull() || (v.isArray() && v.isEmpty())) {
                continue;
            }
            String where = manifest.file() + ":" + r.lineNumber() + ": ";
            if (!v.isArray()) {
                throw new UserInputException(where + "\"" + KEY + "\" must be an array of strings");
            }
            List<String> mine = new ArrayList<>();
            for (JsonNode n : v) {
                if (!n.isTextual()) {
                    throw new UserInputException(where + "\"" + KEY + "\" must be an array of strings, found " + n);
                }
                mine.add(n.asText());
            }
            if (r.caption() == null) {
                throw new UserInputException(where + "has \"" + KEY + "\" but no \"caption\" to compare them with");
            }
            kept.add(r);
            negatives.add(mine);
        }
        if (kept.isEmpty()) {
            throw new UserInputException("no record in " + manifest.file() + " has a non-empty \"" + KEY
                    + "\" array: the compositional check needs records like {\"image\": ..., \"caption\": ..., \""
                    + KEY + "\": [\"...\"]}");
        }
        List<String> texts = new ArrayList<>();
        for (int r = 0; r < kept.size(); r++) {
            texts.add(kept.get(r).caption());
            texts.addAll(negatives.get(r));
        }
        BatchEmbedder embedder = new BatchEmbedder(model, progress);
        float[][] imageEmb = embedder.images(manifest, kept); // (R, D)
        float[][] textEmb = embedder.texts(texts, "embedding captions and negatives"); // (R + negatives, D)
        float[] positive = new float[kept.size()];
        float[][] negativeSims = new float[kept.size()][];
        int t = 0;
        for (int r = 0; r < kept.size(); r++) {
            positive[r] = dot(imageEmb[r], textEmb[t++]);
            negativeSims[r] = new float[negatives.get(r).size()];
            for (int k = 0; k < negativeSims[r].length; k++) {
                negativeSims[r][k] = dot(imageEmb[r], textEmb[t++]);
            }
        }
        return score(positive, negativeSims, manifest.size() - kept.size());
    }

    private static float dot(float[] a, float[] b) {
        return MultimodalModel.similarity(new float[][] {a}, new float[][] {b})[0][0];
    }
}
