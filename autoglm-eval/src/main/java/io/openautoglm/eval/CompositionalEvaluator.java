package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.Vectors;
import io.openautoglm.core.data.HardNegative;
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
    public static final String KEY = HardNegative.KEY;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MultimodalModel model;
    private final PrintWriter progress;
    private final boolean matchingHead;

    /** @param progress where progress lines go for long runs (stderr), or null for none */
    public CompositionalEvaluator(MultimodalModel model, PrintWriter progress) {
        this(model, progress, false);
    }

    /**
     * @param matchingHead score pairs with the fusion encoder's matching probability instead of the
     *     dual encoder's cosine similarity (the model needs fusion heads)
     */
    public CompositionalEvaluator(MultimodalModel model, PrintWriter progress, boolean matchingHead) {
        this.model = model;
        this.progress = progress;
        this.matchingHead = matchingHead;
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
        float[][] positives = new float[positive.length][];
        for (int r = 0; r < positive.length; r++) {
            if (negatives[r].length == 0) {
                throw new IllegalArgumentException("record " + r + " has no negatives");
            }
            positives[r] = new float[negatives[r].length];
            java.util.Arrays.fill(positives[r], positive[r]);
        }
        return scorePairs(positives, negatives, skipped);
    }

    /**
     * Reads {@code "hard_negatives"} as {@link HardNegative#of} does; records without them are
     * skipped and counted.
     */
    public Result evaluate(Manifest manifest) {
        List<ManifestRecord> kept = new ArrayList<>();
        List<List<HardNegative>> twins = new ArrayList<>();
        for (ManifestRecord r : manifest.records()) {
            List<HardNegative> mine;
            try {
                mine = HardNegative.of(r);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(manifest.file() + ":" + r.lineNumber() + ": " + e.getMessage());
            }
            if (!mine.isEmpty()) {
                kept.add(r);
                twins.add(mine);
            }
        }
        if (kept.isEmpty()) {
            throw new UserInputException("no record in " + manifest.file() + " has a non-empty \"" + KEY
                    + "\" array: the compositional check needs records like {\"image\": ..., \"caption\": ..., \""
                    + KEY + "\": [\"...\"]}");
        }
        List<String> texts = new ArrayList<>();
        for (List<HardNegative> mine : twins) {
            for (HardNegative tw : mine) {
                texts.add(tw.positive());
                texts.add(tw.caption());
            }
        }
        if (matchingHead) {
            return scoreWithMatchingHead(manifest, kept, twins);
        }
        BatchEmbedder embedder = new BatchEmbedder(model, progress);
        float[][] imageEmb = embedder.images(manifest, kept); // (R, D)
        float[][] textEmb = embedder.texts(texts, "embedding captions and negatives"); // (2 x pairs, D)
        float[][] positiveSims = new float[kept.size()][];
        float[][] negativeSims = new float[kept.size()][];
        int t = 0;
        for (int r = 0; r < kept.size(); r++) {
            int k = twins.get(r).size();
            positiveSims[r] = new float[k];
            negativeSims[r] = new float[k];
            for (int i = 0; i < k; i++) {
                positiveSims[r][i] = Vectors.dot(imageEmb[r], textEmb[t++]);
                negativeSims[r][i] = Vectors.dot(imageEmb[r], textEmb[t++]);
            }
        }
        return scorePairs(positiveSims, negativeSims, manifest.size() - kept.size());
    }

    /** Each record's picture against its true captions and negatives, by matching probability. */
    private Result scoreWithMatchingHead(Manifest manifest, List<ManifestRecord> kept, List<List<HardNegative>> twins) {
        var fusion = model.fusion();
        float[][] positiveScores = new float[kept.size()][];
        float[][] negativeScores = new float[kept.size()][];
        io.openautoglm.core.io.Progress p = io.openautoglm.core.io.Progress.start(progress, "matching captions and negatives",
                kept.size());
        for (int r = 0; r < kept.size(); r++) {
            ManifestRecord record = kept.get(r);
            io.openautoglm.core.image.RgbImage image;
            try {
                image = model.imageLoader().load(record.image());
            } catch (UserInputException e) {
                throw new UserInputException(manifest.file() + ":" + record.lineNumber() + ": " + e.getMessage(), e);
            }
            List<String> texts = new ArrayList<>();
            for (HardNegative tw : twins.get(r)) {
                texts.add(tw.positive());
                texts.add(tw.caption());
            }
            float[] scores = fusion.matchScores(image, texts);
            int k = twins.get(r).size();
            positiveScores[r] = new float[k];
            negativeScores[r] = new float[k];
            for (int i = 0; i < k; i++) {
                positiveScores[r][i] = scores[2 * i];
                negativeScores[r][i] = scores[2 * i + 1];
            }
            p.advance(1);
        }
        p.finish();
        return scorePairs(positiveScores, negativeScores, manifest.size() - kept.size());
    }

    /** Counting when each negative has its own true twin: {@code positive[r][k]} against {@code negative[r][k]}. */
    public static Result scorePairs(float[][] positive, float[][] negative, int skipped) {
        int pairs = 0;
        int won = 0;
        int allBeaten = 0;
        for (int r = 0; r < positive.length; r++) {
            int mine = 0;
            for (int k = 0; k < negative[r].length; k++) {
                mine += positive[r][k] > negative[r][k] ? 1 : 0; // false for ties and NaN
            }
            pairs += negative[r].length;
            won += mine;
            allBeaten += mine == negative[r].length ? 1 : 0;
        }
        if (pairs == 0) {
            throw new IllegalArgumentException("no pairs to score");
        }
        return new Result((double) won / pairs, (double) allBeaten / positive.length, pairs, positive.length, skipped);
    }
}
