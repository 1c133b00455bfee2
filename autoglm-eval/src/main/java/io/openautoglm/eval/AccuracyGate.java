package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/**
 * Nothing faster ships unless it is measured to be as good: compares a candidate model (int8,
 * pruned, another backend) with its reference on one manifest and says whether it lost more than
 * {@code maxDropPoints} percentage points on any figure: retrieval R@1 in both directions and,
 * when records carry the label key, zero-shot top-1. It only uses {@link MultimodalModel}'s
 * embedding API (through {@link RetrievalEvaluator} and {@link ZeroShotEvaluator}), so any
 * backend behind it is measured the same way.
 */
public final class AccuracyGate {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Manifest manifest;
    private final double maxDropPoints;
    private final String labelKey;
    private final boolean firstCaptionOnly;
    private final PrintWriter progress;

    /**
     * @param maxDropPoints the largest loss allowed on each figure, in points (0.5 = half a percent)
     * @param labelKey      the record field holding the class for zero-shot; records without it are
     *                      left out of zero-shot, and with no such record zero-shot is not measured
     * @param firstCaptionOnly retrieval queries with each record's first caption only (ShapeWorld)
     * @param progress      progress lines (stderr), or null
     */
    public AccuracyGate(Manifest manifest, double maxDropPoints, String labelKey, boolean firstCaptionOnly,
            PrintWriter progress) {
        if (!(maxDropPoints >= 0) || Double.isInfinite(maxDropPoints)) {
            throw new UserInputException("--max-drop must be a non-negative number of points, got " + maxDropPoints);
        }
        this.manifest = manifest;
        this.maxDropPoints = maxDropPoints;
        this.labelKey = labelKey;
        this.firstCaptionOnly = firstCaptionOnly;
        this.progress = progress;
    }

    /** R@1 both ways and zero-shot top-1 (null without labels), all as fractions. */
    public record Figures(double textToImageR1, double imageToTextR1, Double zeroShotTop1) {
        ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("text_to_image_R@1", textToImageR1);
            o.put("image_to_text_R@1", imageToTextR1);
            if (zeroShotTop1 != null) {
                o.put("zero_shot_top1", zeroShotTop1);
            }
            return o;
        }
    }

    /**
     * @param worstDropPoints the largest of the drops, in points (negative when the candidate is better everywhere)
     */
    public record Result(Figures reference, Figures candidate, double maxDropPoints, double worstDropPoints,
            String worstFigure, int records) {
        public boolean passed() {
            return worstDropPoints <= maxDropPoints + 1e-9;
        }

        /** Drop in points of each figure (reference - candidate) x 100. */
        public ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.put("passed", passed());
            o.put("max_drop_points", maxDropPoints);
            o.put("worst_drop_points", round(worstDropPoints));
            o.put("worst_figure", worstFigure);
            o.put("records", records);
            o.set("reference", reference.toJson());
            o.set("candidate", candidate.toJson());
            ObjectNode drops = o.putObject("drop_points");
            drops.put("text_to_image_R@1", round(points(reference.textToImageR1 - candidate.textToImageR1)));
            drops.put("image_to_text_R@1", round(points(reference.imageToTextR1 - candidate.imageToTextR1)));
            if (reference.zeroShotTop1 != null && candidate.zeroShotTop1 != null) {
                drops.put("zero_shot_top1", round(points(reference.zeroShotTop1 - candidate.zeroShotTop1)));
            }
            return o;
        }

        /** One line for logs and refusals. */
        public String summary() {
            return String.format(Locale.ROOT, "%s: worst drop %.2f points (%s) against a limit of %.2f on %d records",
                    passed() ? "gate passed" : "gate failed", worstDropPoints, worstFigure, maxDropPoints, records);
        }
    }

    /** Measures both models; the reference first. */
    public Result compare(MultimodalModel reference, MultimodalModel candidate) {
        Figures ref = measure(reference);
        Figures cand = measure(candidate);
        double worst = points(ref.textToImageR1 - cand.textToImageR1);
        String figure = "text_to_image_R@1";
        double i2t = points(ref.imageToTextR1 - cand.imageToTextR1);
        if (i2t > worst) {
            worst = i2t;
            figure = "image_to_text_R@1";
        }
        if (ref.zeroShotTop1 != null && cand.zeroShotTop1 != null) {
            double zs = points(ref.zeroShotTop1 - cand.zeroShotTop1);
            if (zs > worst) {
                worst = zs;
                figure = "zero_shot_top1";
            }
        }
        return new Result(ref, cand, maxDropPoints, worst, figure, manifest.size());
    }

    /** The gate's figures for one model. */
    public Figures measure(MultimodalModel model) {
        RetrievalEvaluator.Result r = new RetrievalEvaluator(model, progress).evaluate(manifest, firstCaptionOnly);
        Double zeroShot = null;
        boolean labelled = labelKey != null && manifest.records().stream().anyMatch(x -> x.get(labelKey) != null);
        if (labelled) {
            zeroShot = new ZeroShotEvaluator(model, progress).evaluate(manifest, labelKey, null, List.of()).top1();
        }
        return new Figures(r.textToImage().recallAt1(), r.imageToText().recallAt1(), zeroShot);
    }

    private static double points(double fractionDrop) {
        return fractionDrop * 100;
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
