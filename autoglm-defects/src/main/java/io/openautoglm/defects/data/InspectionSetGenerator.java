package io.openautoglm.defects.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.io.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * A synthetic inspection set in MVTec AD's layout, for each category:
 * {@code category/train/good/*.png}, a few labelled defects in {@code category/train/<type>/},
 * {@code category/test/good/} and {@code category/test/<type>/}, and a mask per defect picture in
 * {@code category/ground_truth/<type>/<name>_mask.png}. Beside them {@code manifest.jsonl} (every
 * picture, with {@code split}), {@code train.jsonl} and {@code test.jsonl}, one record a line:
 * {@code {"image", "label": "good" | type, "category", "mask", "split"}}, and {@code defects.json}
 * with the settings and counts.
 *
 * <p>Picture {@code i} of a category depends only on (seed, category, i): the same command gives
 * the same bytes. The folder appears complete or not at all (written beside it, then renamed).
 */
public final class InspectionSetGenerator {
    public static final List<String> CATEGORIES = Surfaces.CATEGORIES;
    public static final List<String> DEFECT_TYPES = DefectPainter.TYPES;
    public static final String GOOD = "good";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param count pictures per category (train and test together), at least 10
     * @param size picture side in pixels, 32..512
     */
    public record Settings(int count, long seed, int size, List<String> categories, double noise) {
        public Settings {
            if (count < 10 || count > 100_000) {
                throw new UserInputException("--count must be in 10..100000 pictures per category, got " + count);
            }
            if (size < 32 || size > 512) {
                throw new UserInputException("--size must be in 32..512 pixels, got " + size);
            }
            for (String c : categories) {
                if (!CATEGORIES.contains(c)) {
                    throw new UserInputException("unknown category '" + c + "'; known: " + String.join(", ", CATEGORIES));
                }
            }
            categories = List.copyOf(categories);
        }

        public static Settings of(int count, long seed, int size) {
            return new Settings(count, seed, size, CATEGORIES, 4.0);
        }

        /** Labelled defects in train, per category: one in eight pictures, at least one. */
        int trainDefects() {
            return Math.max(1, (int) Math.round(count * 0.125));
        }

        int trainGood() {
            return (int) Math.round(count * 0.45);
        }

        int testGood() {
            return Math.max(1, (int) Math.round(count * 0.15));
        }

        int testDefects() {
            return count - trainGood() - trainDefects() - testGood();
        }
    }

    public record Summary(Path dir, int pictures, Map<String, Integer> perSplit, long millis) {}

    private final Settings settings;

    public InspectionSetGenerator(Settings settings) {
        this.settings = settings;
    }

    /** One picture: what it is, and its pixels and mask. */
    record Picture(String category, String split, String label, int index) {
        String name() {
            return String.format("%04d", index);
        }
    }

    public Summary generate(Path out, boolean overwrite, Consumer<String> progress) throws IOException {
        long start = System.currentTimeMillis();
        if (Files.exists(out) && !overwrite && !isEmptyDir(out)) {
            throw new UserInputException("output folder " + out + " is not empty: pass --overwrite to replace it, or pick another --out");
        }
        Path abs = out.toAbsolutePath().normalize();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempDirectory(abs.getParent(), "." + abs.getFileName() + ".");
        try {
            List<ObjectNode> all = new ArrayList<>();
            for (String category : settings.categories()) {
                for (Picture p : plan(category)) {
                    all.add(write(tmp, p));
                }
                progress.accept("  " + category + ": " + settings.count() + " pictures");
            }
            Manifest.write(tmp.resolve("manifest.jsonl"), all);
            Manifest.write(tmp.resolve("train.jsonl"), all.stream().filter(n -> n.get("split").asText().equals("train")).toList());
            Manifest.write(tmp.resolve("test.jsonl"), all.stream().filter(n -> n.get("split").asText().equals("test")).toList());
            Map<String, Integer> perSplit = new LinkedHashMap<>();
            for (ObjectNode n : all) {
                perSplit.merge(n.get("split").asText(), 1, Integer::sum);
            }
            ObjectNode info = JSON.createObjectNode();
            info.put("generator", "autoglm data defects");
            info.put("count_per_category", settings.count());
            info.put("seed", settings.seed());
            info.put("size", settings.size());
            info.put("noise", settings.noise());
            info.putPOJO("categories", settings.categories());
            info.putPOJO("defect_types", DEFECT_TYPES);
            info.putPOJO("pictures", perSplit);
            Files.writeString(tmp.resolve("defects.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(info));
            if (Files.exists(abs)) {
                FileTrees.delete(abs);
            }
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            return new Summary(abs, all.size(), perSplit, System.currentTimeMillis() - start);
        } finally {
            if (Files.exists(tmp)) {
                FileTrees.delete(tmp);
            }
        }
    }

    /** Which pictures a category gets: train goods, a few labelled train defects, test goods, test defects (types in turn). */
    List<Picture> plan(String category) {
        List<Picture> out = new ArrayList<>();
        int i = 0;
        for (int k = 0; k < settings.trainGood(); k++) {
            out.add(new Picture(category, "train", GOOD, i++));
        }
        for (int k = 0; k < settings.trainDefects(); k++) {
            out.add(new Picture(category, "train", DEFECT_TYPES.get(k % DEFECT_TYPES.size()), i++));
        }
        for (int k = 0; k < settings.testGood(); k++) {
            out.add(new Picture(category, "test", GOOD, i++));
        }
        for (int k = 0; k < settings.testDefects(); k++) {
            out.add(new Picture(category, "test", DEFECT_TYPES.get(k % DEFECT_TYPES.size()), i++));
        }
        return out;
    }

    /** Paints one picture from its own random stream, writes it (and its mask) and returns its manifest record. */
    private ObjectNode write(Path root, Picture p) throws IOException {
        Canvas canvas = render(p);
        String folder = p.category() + "/" + p.split() + "/" + p.label();
        String image = folder + "/" + p.name() + ".png";
        Files.createDirectories(root.resolve(folder));
        ImageIO.write(canvas.toImage(), "png", root.resolve(image).toFile());
        ObjectNode rec = JSON.createObjectNode();
        rec.put("image", image);
        rec.put("label", p.label());
        rec.put("category", p.category());
        if (!p.label().equals(GOOD)) {
            String mask = p.category() + "/ground_truth/" + p.label() + "/" + p.name() + "_mask.png";
            Files.createDirectories(root.resolve(mask).getParent());
            ImageIO.write(canvas.maskImage(), "png", root.resolve(mask).toFile());
            rec.put("mask", mask);
        }
        rec.put("split", p.split());
        return rec;
    }

    /** The picture's pixels: the category's surface, its defect, then lighting and noise. */
    Canvas render(Picture p) {
        long stream = settings.seed() * 1_000_003L + p.category().hashCode() * 7_919L + p.index();
        SplittableRandom random = new SplittableRandom(stream);
        Canvas canvas = new Canvas(settings.size());
        Surfaces.paint(p.category(), canvas, random.split());
        if (!p.label().equals(GOOD)) {
            DefectPainter.paint(p.label(), canvas, random.split(), Surfaces.isPart(p.category()));
        }
        canvas.finish(random.split(), settings.noise() * random.nextDouble(0.8, 1.25));
        return canvas;
    }

    private static boolean isEmptyDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
