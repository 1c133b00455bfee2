package io.openautoglm.defects;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fitted defect detector on a frozen image tower: per category a memory bank of good patches,
 * a memory bank of good pixel statistics, a zero-shot prompt pair and the score statistics of good validation pictures, a trained head
 * where labelled defects existed, the weights that combine the four methods, and the threshold
 * on the combined score. Built by {@link DetectorFitter}, saved and loaded by {@link DetectorFiles}.
 * Owns its model and banks: close it.
 *
 * <p>Every method's raw score is turned into a z-score against the good validation pictures of
 * the category (so a wood picture and a washer picture are judged on one scale); the combined
 * score is the weighted mean of those z-scores. Thread-safe: scoring only reads.
 */
public final class Detector implements AutoCloseable {
    /** The methods, in the order of {@link Scores} and of the weights. */
    public static final List<String> METHODS = List.of("memory_bank", "pixel_bank", "zero_shot", "head");

    /** Recognising a category reads every 4th patch against each bank: a mean needs no more, and it is 4x cheaper. */
    private static final int RECOGNITION_STRIDE = 4;

    /** Weights when nothing could be measured on validation pictures: the two memory banks, equally. */
    static final double[] BANKS_ONLY = {1, 1, 0, 0};

    /** Mean and spread of one method's scores on good validation pictures. */
    public record Stats(double mean, double std) {
        double z(double raw) {
            return (raw - mean) / std;
        }

        static Stats of(double[] values) {
            double mean = 0;
            for (double v : values) {
                mean += v;
            }
            mean /= values.length;
            double var = 0;
            for (double v : values) {
                var += (v - mean) * (v - mean);
            }
            double std = Math.sqrt(var / Math.max(1, values.length - 1));
            return new Stats(mean, Math.max(std, Math.max(1e-6, Math.abs(mean) * 0.01))); // floor: few good pictures may agree too well
        }
    }

    /**
     * What the detector knows about one category: the tower's bank of good patches ({@code bank}) and
     * the bank of good {@link PixelPatches} descriptors ({@code pixelBank}).
     */
    public record Category(String name, float[] centroid, float[][] prompts, MemoryBank bank, MemoryBank pixelBank, Stats[] stats) {}

    /** Fit settings, kept in the detector. */
    public record Settings(int tiles, int[] layers, double coresetFraction, int maxBankSize, double targetFalseAlarm,
                           double validationFraction, long seed) {
        public Settings {
            layers = layers.clone();
        }

        public static Settings defaults() {
            return new Settings(2, new int[] {0, 2}, 0.25, 4096, 0.01, 0.3, 0); // as `autoglm defects fit` defaults
        }

        @Override
        public int[] layers() {
            return layers.clone();
        }
    }

    /** Raw and z-scored method scores of one picture (NaN where a method is absent), and the combined score. */
    public record Scores(double[] raw, double[] z, double combined) {}

    /**
     * One picture's verdict: its category (given or recognised), scores, the defect type the head
     * names (null when good, "unknown" without a head), and the anomaly map (G x G distances to the
     * bank that weighs more in the combined score, row-major).
     */
    public record Inspection(String category, Scores scores, boolean defect, String defectType, float[] map, int grid) {}

    private final MultimodalModel model;
    private final Path modelDir;
    private final PatchFeatures features;
    private final Settings settings;
    private final Map<String, Category> categories;
    private final DefectHead head; // null without labelled defects
    private final double[] weights; // per method
    private final double threshold;
    private final ObjectNode provenance;

    Detector(MultimodalModel model, Path modelDir, Settings settings, Map<String, Category> categories, DefectHead head, double[] weights,
             double threshold, ObjectNode provenance) {
        this.model = model;
        this.modelDir = modelDir;
        this.features = new PatchFeatures(model, settings.tiles(), settings.layers());
        this.settings = settings;
        this.categories = new LinkedHashMap<>(categories);
        this.head = head;
        this.weights = weights.clone();
        this.threshold = threshold;
        this.provenance = provenance;
    }

    public MultimodalModel model() {
        return model;
    }

    public Path modelDir() {
        return modelDir;
    }

    public Settings settings() {
        return settings;
    }

    public Map<String, Category> categories() {
        return categories;
    }

    public DefectHead head() {
        return head;
    }

    public double[] weights() {
        return weights.clone();
    }

    public double threshold() {
        return threshold;
    }

    public ObjectNode provenance() {
        return provenance;
    }

    /** Which bank's distances make the anomaly map (index into {@link #METHODS}): the pixel bank (1) unless the tower's weighs more (0). */
    public int mapMethod() {
        return weights[1] >= weights[0] ? 1 : 0;
    }

    PatchFeatures features() {
        return features;
    }

    /** Inspects pictures whose category is not known: each is given the category whose good pictures it resembles most. */
    public List<Inspection> inspect(List<RgbImage> images) {
        List<String> none = new ArrayList<>();
        images.forEach(i -> none.add(null));
        return inspect(images, none);
    }

    /** @param knownCategories per picture, its category or null to recognise it */
    public List<Inspection> inspect(List<RgbImage> images, List<String> knownCategories) {
        List<PatchFeatures.Features> fs = features.of(images);
        List<Inspection> out = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            out.add(inspect(fs.get(i), knownCategories.get(i)));
        }
        return out;
    }

    Inspection inspect(PatchFeatures.Features f, String known) {
        Category c = known != null && categories.containsKey(known) ? categories.get(known) : null;
        if (c == null) { // the category whose good patches the picture's patches are nearest to, on the whole
            float[][] sample = new float[(f.patches().length + RECOGNITION_STRIDE - 1) / RECOGNITION_STRIDE][];
            for (int i = 0; i < sample.length; i++) {
                sample[i] = f.patches()[i * RECOGNITION_STRIDE];
            }
            double best = Double.POSITIVE_INFINITY;
            for (Category candidate : categories.values()) {
                double mean = 0;
                for (float v : candidate.bank().distances(sample)) {
                    mean += v;
                }
                if (mean < best) {
                    best = mean;
                    c = candidate;
                }
            }
        }
        float[] map = c.bank().distances(f.patches()); // (G*G)
        float[] pixelMap = c.pixelBank().distances(f.pixels()); // (PG*PG)
        double[] raw = rawScores(c, f, map, pixelMap);
        Scores scores = combine(c, raw);
        boolean defect = scores.combined() > threshold;
        String type = !defect ? null : head == null ? "unknown" : head.defectType(headFeatures(f));
        boolean pixelMapShown = mapMethod() == 1;
        return new Inspection(c.name(), scores, defect, type, pixelMapShown ? pixelMap : map, pixelMapShown ? PixelPatches.grid() : f.grid());
    }

    /** Raw method scores: each bank's largest patch distance, P(damaged) from the prompts, the head's 1 - P(good) (NaN without one). */
    double[] rawScores(Category c, PatchFeatures.Features f, float[] map, float[] pixelMap) {
        double zeroShot = PromptEnsemble.score(f.embedding(), c.prompts(), model.logitScale());
        double headScore = head == null ? Double.NaN : head.anomalyScore(headFeatures(f));
        return new double[] {max(map), max(pixelMap), zeroShot, headScore};
    }

    private static double max(float[] values) {
        double worst = 0;
        for (float d : values) {
            worst = Math.max(worst, d);
        }
        return worst;
    }

    Scores combine(Category c, double[] raw) {
        double[] z = new double[raw.length];
        double sum = 0;
        double weight = 0;
        for (int m = 0; m < raw.length; m++) {
            z[m] = Double.isNaN(raw[m]) ? Double.NaN : c.stats()[m].z(raw[m]);
            if (weights[m] > 0 && !Double.isNaN(z[m])) {
                sum += weights[m] * z[m];
                weight += weights[m];
            }
        }
        return new Scores(raw, z, weight == 0 ? z[0] : sum / weight);
    }

    /** The head's input: the picture's embedding and the element-wise maximum over its patch features. */
    static float[] headFeatures(PatchFeatures.Features f) {
        float[] max = new float[f.patches()[0].length];
        java.util.Arrays.fill(max, Float.NEGATIVE_INFINITY);
        for (float[] p : f.patches()) {
            for (int j = 0; j < max.length; j++) {
                max[j] = Math.max(max[j], p[j]);
            }
        }
        return DefectHead.features(f.embedding(), max);
    }

    @Override
    public void close() {
        categories.values().forEach(c -> {
            c.bank().close();
            c.pixelBank().close();
        });
        model.close();
    }
}
