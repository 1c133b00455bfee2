package io.openautoglm.defects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Fits a {@link Detector} from labelled training pictures. Per category, a share of the good
 * pictures (and of the labelled defects) is held out for validation; the rest fill the memory bank
 * and train the head. On the validation pictures the fitter measures each method, weighs it by the
 * square of how far its AUROC is above chance (the two memory banks alone when there are no
 * labelled defects to measure with), and puts the threshold where at most the target share of good pictures is flagged.
 */
public final class DetectorFitter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 16;

    /** What the fit measured on its validation pictures. */
    public record Report(ObjectNode validation, long millis) {}

    private final Detector.Settings settings;
    private final Consumer<String> progress;

    public DetectorFitter(Detector.Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /** Scored pictures: features and item. */
    private record Seen(DefectManifest.Item item, PatchFeatures.Features features) {}

    /** Takes ownership of {@code model} (the detector closes it). */
    public Detector fit(MultimodalModel model, Path modelDir, List<DefectManifest.Item> items, ObjectNode provenance) {
        if (settings.targetFalseAlarm() <= 0 || settings.targetFalseAlarm() >= 1) {
            throw new UserInputException("--target-false-alarm must be in (0, 1), got " + settings.targetFalseAlarm());
        }
        Map<String, List<DefectManifest.Item>> byCategory = new LinkedHashMap<>();
        items.forEach(i -> byCategory.computeIfAbsent(i.category(), k -> new ArrayList<>()).add(i));
        for (var e : byCategory.entrySet()) {
            long good = e.getValue().stream().filter(i -> !i.defect()).count();
            if (good < 3) {
                throw new UserInputException("category '" + e.getKey() + "' has " + good + " good training pictures; fit needs at least 3"
                        + " (some fill the memory bank, some set the threshold)");
            }
        }
        PatchFeatures features = new PatchFeatures(model, settings.tiles(), settings.layers());
        List<Seen> fitPart = new ArrayList<>();
        List<Seen> valPart = new ArrayList<>();
        SplittableRandom random = new SplittableRandom(settings.seed());
        for (var e : byCategory.entrySet()) {
            List<DefectManifest.Item> goods = new ArrayList<>(e.getValue().stream().filter(i -> !i.defect()).toList());
            List<DefectManifest.Item> bads = new ArrayList<>(e.getValue().stream().filter(DefectManifest.Item::defect).toList());
            shuffle(goods, random);
            shuffle(bads, random);
            int valGood = Math.max(1, (int) Math.round(goods.size() * settings.validationFraction()));
            int valBad = bads.size() < 2 ? 0 : Math.max(1, (int) Math.round(bads.size() * settings.validationFraction()));
            List<Seen> seen = embed(model, features, e.getValue(), e.getKey());
            for (Seen s : seen) {
                boolean val = s.item().defect() ? bads.indexOf(s.item()) < valBad : goods.indexOf(s.item()) < valGood;
                (val ? valPart : fitPart).add(s);
            }
        }

        Map<String, Detector.Category> categories = new LinkedHashMap<>();
        for (String name : byCategory.keySet()) {
            List<Seen> goods = fitPart.stream().filter(s -> s.item().category().equals(name) && !s.item().defect()).toList();
            List<float[]> patches = new ArrayList<>();
            List<float[]> pixels = new ArrayList<>();
            float[] centroid = new float[goods.get(0).features().embedding().length];
            for (Seen s : goods) {
                patches.addAll(List.of(s.features().patches()));
                pixels.addAll(List.of(s.features().pixels()));
                float[] e = s.features().embedding();
                for (int j = 0; j < centroid.length; j++) {
                    centroid[j] += e[j];
                }
            }
            PatchFeatures.normalize(centroid);
            float[][] bank = MemoryBank.coreset(patches, bankSize(patches.size()), settings.seed());
            float[][] pixelBank = MemoryBank.coreset(pixels, bankSize(pixels.size()), settings.seed());
            progress.accept("  " + name + ": memory banks of " + bank.length + " tower patches and " + pixelBank.length
                    + " pixel patches from " + goods.size() + " good pictures (" + patches.size() + " and " + pixels.size() + ")");
            categories.put(name, new Detector.Category(name, centroid, PromptEnsemble.classes(model, name),
                    new MemoryBank(model.manager(), bank), new MemoryBank(model.manager(), pixelBank), null));
        }

        DefectHead head = trainHead(fitPart);
        // Raw scores of the validation pictures, then per-category statistics of the good ones.
        Detector raw = new Detector(model, modelDir, settings, categories, head, Detector.BANKS_ONLY, 0, provenance);
        Map<Seen, double[]> valRaw = new LinkedHashMap<>();
        for (Seen s : valPart) {
            Detector.Category c = categories.get(s.item().category());
            valRaw.put(s, raw.rawScores(c, s.features(), c.bank().distances(s.features().patches()),
                    c.pixelBank().distances(s.features().pixels())));
        }
        Map<String, Detector.Category> withStats = new LinkedHashMap<>();
        for (Detector.Category c : categories.values()) {
            Detector.Stats[] stats = new Detector.Stats[Detector.METHODS.size()];
            for (int m = 0; m < stats.length; m++) {
                final int method = m;
                double[] values = valRaw.entrySet().stream()
                        .filter(e -> e.getKey().item().category().equals(c.name()) && !e.getKey().item().defect())
                        .mapToDouble(e -> e.getValue()[method]).filter(v -> !Double.isNaN(v)).toArray();
                stats[m] = values.length == 0 ? new Detector.Stats(0, 1) : Detector.Stats.of(values);
            }
            withStats.put(c.name(), new Detector.Category(c.name(), c.centroid(), c.prompts(), c.bank(), c.pixelBank(), stats));
        }

        ObjectNode validation = JSON.createObjectNode();
        boolean[] positive = new boolean[valPart.size()];
        for (int i = 0; i < positive.length; i++) {
            positive[i] = valPart.get(i).item().defect();
        }
        double[] weights = new double[Detector.METHODS.size()];
        Detector zScorer = new Detector(model, modelDir, settings, withStats, head, Detector.BANKS_ONLY, 0, provenance);
        ObjectNode perMethod = validation.putObject("per_method");
        for (int m = 0; m < weights.length; m++) {
            double[] z = new double[valPart.size()];
            for (int i = 0; i < z.length; i++) {
                Seen s = valPart.get(i);
                z[i] = zScorer.combine(withStats.get(s.item().category()), valRaw.get(s)).z()[m];
            }
            double auroc = java.util.Arrays.stream(z).anyMatch(Double::isNaN) ? Double.NaN : RankMetrics.auroc(z, positive);
            weights[m] = methodWeight(auroc);
            putNumber(perMethod.putObject(Detector.METHODS.get(m)), "image_auroc", auroc);
        }
        if (java.util.Arrays.stream(weights).sum() == 0) {
            weights = Detector.BANKS_ONLY.clone(); // nothing to measure the methods with: the two banks alone
        }
        Detector weighted = new Detector(model, modelDir, settings, withStats, head, weights, 0, provenance);
        double[] combined = new double[valPart.size()];
        List<Double> goodScores = new ArrayList<>();
        for (int i = 0; i < combined.length; i++) {
            Seen s = valPart.get(i);
            combined[i] = weighted.combine(withStats.get(s.item().category()), valRaw.get(s)).combined();
            if (!positive[i]) {
                goodScores.add(combined[i]);
            }
        }
        double threshold = threshold(goodScores, settings.targetFalseAlarm());
        int falseAlarms = 0;
        int caught = 0;
        int defects = 0;
        for (int i = 0; i < combined.length; i++) {
            if (positive[i]) {
                defects++;
                caught += combined[i] > threshold ? 1 : 0;
            } else {
                falseAlarms += combined[i] > threshold ? 1 : 0;
            }
        }
        validation.put("good", goodScores.size());
        validation.put("defects", defects);
        putNumber(validation, "image_auroc", RankMetrics.auroc(combined, positive));
        putNumber(validation, "false_alarm_rate", goodScores.isEmpty() ? Double.NaN : falseAlarms / (double) goodScores.size());
        putNumber(validation, "recall", defects == 0 ? Double.NaN : caught / (double) defects);
        ObjectNode w = validation.putObject("weights");
        for (int m = 0; m < weights.length; m++) {
            w.put(Detector.METHODS.get(m), weights[m]);
        }
        validation.put("threshold", threshold);
        provenance.set("validation", validation);
        return new Detector(model, modelDir, settings, withStats, head, weights, threshold, provenance);
    }

    private int bankSize(int patches) {
        return Math.max(1, Math.min(settings.maxBankSize(), (int) Math.ceil(patches * settings.coresetFraction())));
    }

    /**
     * A method's weight in the combined score from its validation AUROC: the squared excess over
     * chance, so that a method near chance barely counts beside one that separates well (with the
     * excess itself, a 0.55 method beside a 0.95 one took a tenth of the vote and cost points).
     */
    static double methodWeight(double auroc) {
        if (Double.isNaN(auroc) || auroc <= 0.5) {
            return 0;
        }
        return (auroc - 0.5) * (auroc - 0.5);
    }

    /**
     * The smallest threshold that flags at most {@code rate} of the good validation scores (a picture
     * is a defect when its score is above it); with few good pictures this is their highest score.
     */
    static double threshold(List<Double> goodScores, double rate) {
        List<Double> sorted = new ArrayList<>(goodScores);
        sorted.sort(java.util.Comparator.reverseOrder());
        int allowed = (int) Math.floor(rate * sorted.size());
        return sorted.get(Math.min(allowed, sorted.size() - 1));
    }

    /** The head over the fit part's good pictures and labelled defects; null when there are no labelled defects. */
    private DefectHead trainHead(List<Seen> fitPart) {
        TreeSet<String> types = new TreeSet<>();
        fitPart.stream().filter(s -> s.item().defect()).forEach(s -> types.add(s.item().label()));
        if (types.isEmpty()) {
            progress.accept("  no labelled defects to train a head with: zero-shot and memory bank only");
            return null;
        }
        List<String> classes = new ArrayList<>();
        classes.add(DefectManifest.GOOD);
        classes.addAll(types);
        float[][] x = new float[fitPart.size()][];
        int[] y = new int[fitPart.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = Detector.headFeatures(fitPart.get(i).features());
            y[i] = classes.indexOf(fitPart.get(i).item().label());
        }
        DefectHead head = DefectHead.train(classes, x, y, 300, 2.0, 1e-3);
        progress.accept("  head: " + (classes.size() - 1) + " defect types from " + (fitPart.size()) + " pictures");
        return head;
    }

    private List<Seen> embed(MultimodalModel model, PatchFeatures features, List<DefectManifest.Item> items, String category) {
        List<Seen> out = new ArrayList<>();
        for (int start = 0; start < items.size(); start += BATCH) {
            List<DefectManifest.Item> batch = items.subList(start, Math.min(items.size(), start + BATCH));
            List<RgbImage> images = new ArrayList<>();
            for (DefectManifest.Item i : batch) {
                images.add(model.imageLoader().load(i.image()));
            }
            List<PatchFeatures.Features> fs = features.of(images);
            for (int i = 0; i < batch.size(); i++) {
                out.add(new Seen(batch.get(i), fs.get(i)));
            }
        }
        progress.accept("  " + category + ": " + items.size() + " pictures through the image tower");
        return out;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    static void putNumber(ObjectNode node, String key, double value) {
        if (Double.isNaN(value)) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }
}
