package io.openautoglm.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.data.Manifest;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A tiny learnable dataset: one colored square at a random place on a dark background, captioned
 * by its color alone, so many images share each of a handful of captions.
 */
public final class ColorSquares {
    public static final String[] COLORS = {"red", "green", "blue", "yellow"};
    private static final Color[] RGB = {Color.RED, Color.GREEN, new Color(40, 90, 255), Color.YELLOW};
    private static final ObjectMapper JSON = new ObjectMapper();

    private ColorSquares() {}

    /** Writes {@code count} images and {@code name}.jsonl under {@code dir}; returns the manifest path. */
    public static Path write(Path dir, String name, int count, long seed) throws IOException {
        return write(dir, name, count, seed, false);
    }

    /** As {@link #write(Path, String, int, long)}; with {@code hardNegatives}, each record lists the other colors. */
    public static Path write(Path dir, String name, int count, long seed, boolean hardNegatives) throws IOException {
        return write(dir, name, count, seed, hardNegatives, false);
    }

    /**
     * As above; with {@code questions}, each record also has a "qa" list (its color, and whether
     * there is a square of one other color) and the caption reads "a COLOR square".
     */
    public static Path write(Path dir, String name, int count, long seed, boolean hardNegatives, boolean questions)
            throws IOException {
        Files.createDirectories(dir.resolve("img"));
        Random random = new Random(seed);
        List<ObjectNode> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int c = i % COLORS.length;
            BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(20 + random.nextInt(30), 20 + random.nextInt(30), 20 + random.nextInt(30)));
            g.fillRect(0, 0, 32, 32);
            g.setColor(RGB[c]);
            int size = 10 + random.nextInt(8);
            g.fillRect(random.nextInt(32 - size), random.nextInt(32 - size), size, size);
            g.dispose();
            String file = "img/" + name + "-" + i + ".png";
            ImageIO.write(img, "png", dir.resolve(file).toFile());
            ObjectNode line = JSON.createObjectNode();
            line.put("image", file);
            line.put("caption", questions ? "a " + COLORS[c] + " square" : COLORS[c]);
            if (questions) {
                var qa = line.putArray("qa");
                qa.addObject().put("question", "what color is the square?").put("answer", COLORS[c]).put("type", "color");
                String other = COLORS[(c + 1 + random.nextInt(COLORS.length - 1)) % COLORS.length];
                boolean yes = random.nextBoolean();
                qa.addObject().put("question", "is there a " + (yes ? COLORS[c] : other) + " square?").put("answer", yes ? "yes" : "no")
                        .put("type", "exist");
            }
            line.put("label", COLORS[c]);
            if (hardNegatives) {
                var negatives = line.putArray("hard_negatives");
                for (String other : COLORS) {
                    if (!other.equals(COLORS[c])) {
                        negatives.add(questions ? "a " + other + " square" : other);
                    }
                }
            }
            lines.add(line);
        }
        Path manifest = dir.resolve(name + ".jsonl");
        Manifest.write(manifest, lines);
        return manifest;
    }
}
