package io.openautoglm.defects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * Image-level and pixel-level figures of a detector on labelled pictures: AUROC and average
 * precision of the combined score (and of each method alone), accuracy, precision and recall at
 * the detector's threshold, per category and per defect type; pixel AUROC from the memory bank's
 * anomaly maps over the pictures with masks and the good ones (whose mask is empty), per category,
 * averaged over categories as MVTec AD reports it.
 */
public final class DefectEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 16;

    private record Scored(DefectManifest.Item item, Detector.Inspection inspection) {}

    private DefectEvaluator() {}

    public static ObjectNode evaluate(Detector detector, List<DefectManifest.Item> items, Consumer<String> progress) throws IOException {
        return evaluate(detector, items, (item, picture) -> picture, progress);
    }

    /**
     * As {@link #evaluate(Detector, List, Consumer)}, with every decoded picture passed through
     * {@code transform} first (the robustness evaluation corrupts them there).
     */
    public static ObjectNode evaluate(Detector detector, List<DefectManifest.Item> items,
                                      BiFunction<DefectManifest.Item, RgbImage, RgbImage> transform, Consumer<String> progress) throws IOException {
        List<Scored> scored = new ArrayList<>();
        Map<String, List<float[]>> pixelScores = new TreeMap<>(); // per category: upsampled maps
        Map<String, List<boolean[]>> pixelTruth = new TreeMap<>();
        boolean anyMask = items.stream().anyMatch(i -> i.mask() != null);
        for (int start = 0; start < items.size(); start += BATCH) {
            List<DefectManifest.Item> batch = items.subList(start, Math.min(items.size(), start + BATCH));
            List<RgbImage> images = new ArrayList<>();
            List<String> categories = new ArrayList<>();
            for (DefectManifest.Item i : batch) {
                images.add(transform.apply(i, detector.model().imageLoader().load(i.image())));
                categories.add(detector.categories().containsKey(i.category()) ? i.category() : null);
            }
            List<Detector.Inspection> results = detector.inspect(images, categories);
            for (int k = 0; k < batch.size(); k++) {
                DefectManifest.Item item = batch.get(k);
                Detector.Inspection r = results.get(k);
                scored.add(new Scored(item, r));
                if (anyMask && (item.mask() != null || !item.defect())) {
                    RgbImage image = images.get(k);
                    pixelScores.computeIfAbsent(item.category(), c -> new ArrayList<>())
                            .add(AnomalyMaps.upsample(r.map(), r.grid(), image.width(), image.height()));
                    pixelTruth.computeIfAbsent(item.category(), c -> new ArrayList<>())
                            .add(item.mask() == null ? new boolean[image.width() * image.height()] : mask(item, image));
                }
            }
            progress.accept("  " + Math.min(items.size(), start + BATCH) + "/" + items.size() + " pictures");
        }
        ObjectNode root = figures(scored, detector.threshold());
        Map<String, List<Scored>> byCategory = new TreeMap<>();
        scored.forEach(s -> byCategory.computeIfAbsent(s.item().category(), c -> new ArrayList<>()).add(s));
        ObjectNode perCategory = JSON.createObjectNode();
        double sumAuroc = 0;
        int withAuroc = 0;
        double sumPixel = 0;
        int withPixel = 0;
        for (var e : byCategory.entrySet()) {
            ObjectNode c = figures(e.getValue(), detector.threshold());
            if (pixelScores.containsKey(e.getKey())) {
                double p = pixelAuroc(pixelScores.get(e.getKey()), pixelTruth.get(e.getKey()));
                DetectorFitter.putNumber(c, "pixel_auroc", p);
                if (!Double.isNaN(p)) {
                    sumPixel += p;
                    withPixel++;
                }
            }
            if (c.get("image_auroc").isNumber()) {
                sumAuroc += c.get("image_auroc").asDouble();
                withAuroc++;
            }
            perCategory.set(e.getKey(), c);
        }
        DetectorFitter.putNumber(root, "pixel_auroc", withPixel == 0 ? Double.NaN : sumPixel / withPixel);
        DetectorFitter.putNumber(root, "mean_category_image_auroc", withAuroc == 0 ? Double.NaN : sumAuroc / withAuroc);
        root.set("per_category", perCategory);
        Map<String, List<Scored>> byType = new TreeMap<>();
        scored.stream().filter(s -> s.item().defect()).forEach(s -> byType.computeIfAbsent(s.item().label(), t -> new ArrayList<>()).add(s));
        ObjectNode perType = root.putObject("per_defect_type");
        List<Scored> goods = scored.stream().filter(s -> !s.item().defect()).toList();
        for (var e : byType.entrySet()) {
            List<Scored> withGoods = new ArrayList<>(goods);
            withGoods.addAll(e.getValue());
            ObjectNode t = perType.putObject(e.getKey());
            DetectorFitter.putNumber(t, "image_auroc", auroc(withGoods, -1));
            long caught = e.getValue().stream().filter(s -> s.inspection().defect()).count();
            t.put("recall", caught / (double) e.getValue().size());
            long named = e.getValue().stream().filter(s -> e.getKey().equals(s.inspection().defectType())).count();
            t.put("type_named", named / (double) e.getValue().size());
            t.put("n", e.getValue().size());
        }
        root.put("threshold", detector.threshold());
        return root;
    }

    /** Image-level figures of some scored pictures, combined score and each method alone. */
    private static ObjectNode figures(List<Scored> scored, double threshold) {
        ObjectNode out = JSON.createObjectNode();
        DetectorFitter.putNumber(out, "image_auroc", auroc(scored, -1));
        DetectorFitter.putNumber(out, "average_precision", ap(scored));
        int tp = 0;
        int fp = 0;
        int tn = 0;
        int fn = 0;
        for (Scored s : scored) {
            boolean flagged = s.inspection().defect();
            if (s.item().defect()) {
                tp += flagged ? 1 : 0;
                fn += flagged ? 0 : 1;
            } else {
                fp += flagged ? 1 : 0;
                tn += flagged ? 0 : 1;
            }
        }
        out.put("accuracy", (tp + tn) / (double) scored.size());
        DetectorFitter.putNumber(out, "precision", tp + fp == 0 ? Double.NaN : tp / (double) (tp + fp));
        DetectorFitter.putNumber(out, "recall", tp + fn == 0 ? Double.NaN : tp / (double) (tp + fn));
        DetectorFitter.putNumber(out, "false_alarm_rate", fp + tn == 0 ? Double.NaN : fp / (double) (fp + tn));
        ObjectNode methods = out.putObject("per_method");
        for (int m = 0; m < Detector.METHODS.size(); m++) {
            DetectorFitter.putNumber(methods, Detector.METHODS.get(m), auroc(scored, m));
        }
        out.put("n", scored.size());
        out.put("defects", tp + fn);
        return out;
    }

    /** AUROC of the combined score ({@code method} -1) or of one method's z-score; NaN when a class or the method is missing. */
    private static double auroc(List<Scored> scored, int method) {
        double[] s = new double[scored.size()];
        boolean[] positive = new boolean[scored.size()];
        for (int i = 0; i < s.length; i++) {
            Detector.Scores sc = scored.get(i).inspection().scores();
            s[i] = method < 0 ? sc.combined() : sc.z()[method];
            if (Double.isNaN(s[i])) {
                return Double.NaN;
            }
            positive[i] = scored.get(i).item().defect();
        }
        return RankMetrics.auroc(s, positive);
    }

    private static double ap(List<Scored> scored) {
        double[] s = new double[scored.size()];
        boolean[] positive = new boolean[scored.size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = scored.get(i).inspection().scores().combined();
            positive[i] = scored.get(i).item().defect();
        }
        return RankMetrics.averagePrecision(s, positive);
    }

    private static double pixelAuroc(List<float[]> maps, List<boolean[]> truth) {
        int total = maps.stream().mapToInt(m -> m.length).sum();
        float[] s = new float[total];
        boolean[] t = new boolean[total];
        int at = 0;
        for (int i = 0; i < maps.size(); i++) {
            System.arraycopy(maps.get(i), 0, s, at, maps.get(i).length);
            System.arraycopy(truth.get(i), 0, t, at, truth.get(i).length);
            at += maps.get(i).length;
        }
        return RankMetrics.auroc(s, t);
    }

    /** The record's mask at the picture's size (nearest pixel when sizes differ); non-zero is defect. */
    private static boolean[] mask(DefectManifest.Item item, RgbImage image) throws IOException {
        BufferedImage m;
        try {
            m = ImageIO.read(item.mask().toFile());
        } catch (IOException e) {
            throw new UserInputException("cannot read the mask " + item.mask() + " (line " + item.line() + "): " + e.getMessage(), e);
        }
        if (m == null) {
            throw new UserInputException("the mask " + item.mask() + " (line " + item.line() + ") is not a picture ImageIO can read");
        }
        Raster r = m.getRaster();
        boolean[] out = new boolean[image.width() * image.height()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int mx = x * m.getWidth() / image.width();
                int my = y * m.getHeight() / image.height();
                out[y * image.width() + x] = r.getSample(mx, my, 0) > 127;
            }
        }
        return out;
    }

    static Map<String, Integer> counts(List<DefectManifest.Item> items) {
        Map<String, Integer> out = new LinkedHashMap<>();
        items.forEach(i -> out.merge(i.label(), 1, Integer::sum));
        return out;
    }
}
