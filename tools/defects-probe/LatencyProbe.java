package io.openautoglm.defects;

import io.openautoglm.core.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Where one inspection's time goes, in-process (a harness outside the build, run by bench/defects-profile.sh):
 * median milliseconds of each stage over every other test picture of a set (the first 5 left out), and how
 * often the category is recognised right from the tower bank (as inspect does) and from the image embedding's
 * nearest centroid. In the detector's package to reach its stages.
 *
 *   java -cp CLASSES:CLI_JAR:CLI_LIB/* io.openautoglm.defects.LatencyProbe DETECTOR SET
 */
public final class LatencyProbe {
    public static void main(String[] args) throws Exception {
        try (Detector d = DetectorFiles.load(Path.of(args[0]), null)) {
            List<Path> files = new ArrayList<>();
            try (var s = Files.walk(Path.of(args[1]))) {
                s.filter(p -> p.toString().endsWith(".png") && p.toString().contains("/test/")).sorted().forEach(files::add);
            }
            List<Path> chosen = new ArrayList<>();
            for (int i = 0; i < files.size(); i += 2) {
                chosen.add(files.get(i));
            }
            String[] stages = {"pixel statistics", "all features", "tower bank, one category", "tower bank, six categories",
                "pixel bank", "inspect, category unknown", "inspect, category known"};
            double[][] ms = new double[stages.length][chosen.size()];
            int byBank = 0;
            int byCentroid = 0;
            for (int i = 0; i < chosen.size(); i++) {
                RgbImage image = d.model().imageLoader().load(chosen.get(i));
                String truth = chosen.get(i).getParent().getParent().getParent().getFileName().toString(); // CATEGORY/test/TYPE/x.png
                Detector.Category first = d.categories().values().iterator().next();
                long t0 = System.nanoTime();
                PixelPatches.of(image);
                long t1 = System.nanoTime();
                PatchFeatures.Features f = d.features().of(List.of(image)).get(0);
                long t2 = System.nanoTime();
                first.bank().distances(f.patches());
                long t3 = System.nanoTime();
                for (Detector.Category c : d.categories().values()) {
                    c.bank().distances(f.patches());
                }
                long t4 = System.nanoTime();
                first.pixelBank().distances(f.pixels());
                long t5 = System.nanoTime();
                Detector.Inspection unknown = d.inspect(List.of(image)).get(0);
                long t6 = System.nanoTime();
                d.inspect(List.of(image), Collections.singletonList(truth));
                long t7 = System.nanoTime();
                long[] t = {t0, t1, t2, t3, t4, t5, t6, t7};
                for (int k = 0; k < stages.length; k++) {
                    ms[k][i] = (t[k + 1] - t[k]) / 1e6;
                }
                byBank += truth.equals(unknown.category()) ? 1 : 0;
                byCentroid += truth.equals(nearestCentroid(d, f.embedding())) ? 1 : 0;
            }
            System.out.printf("%d test pictures (every other one of %d)%n", chosen.size(), files.size());
            for (int k = 0; k < stages.length; k++) {
                double[] v = Arrays.copyOfRange(ms[k], Math.min(5, ms[k].length - 1), ms[k].length);
                Arrays.sort(v);
                System.out.printf("%-28s median %6.1f ms%n", stages[k], v[v.length / 2]);
            }
            System.out.printf("category recognised: by the tower bank (as inspect) %d of %d, by the nearest embedding centroid %d of %d%n",
                    byBank, chosen.size(), byCentroid, chosen.size());
        }
    }

    private static String nearestCentroid(Detector d, float[] embedding) {
        String best = null;
        double bestDot = Double.NEGATIVE_INFINITY;
        for (Detector.Category c : d.categories().values()) {
            double dot = 0;
            for (int j = 0; j < embedding.length; j++) {
                dot += c.centroid()[j] * embedding[j];
            }
            if (dot > bestDot) {
                bestDot = dot;
                best = c.name();
            }
        }
        return best;
    }
}
