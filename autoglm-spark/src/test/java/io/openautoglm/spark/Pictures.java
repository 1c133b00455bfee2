package io.openautoglm.spark;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Small generated pictures (a shape on a plain background) and their manifest, for the tests. */
final class Pictures {
    private Pictures() {}

    /** {@code count} PNGs of 32-48 px under {@code dir/images}, deterministic by {@code seed}. */
    static List<Path> write(Path dir, int count, long seed) throws IOException {
        Path images = Files.createDirectories(dir.resolve("images"));
        Random random = new Random(seed);
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int w = 32 + random.nextInt(17);
            int h = 32 + random.nextInt(17);
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillRect(0, 0, w, h);
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            int x = random.nextInt(w / 2);
            int y = random.nextInt(h / 2);
            if (random.nextBoolean()) {
                g.fillOval(x, y, 8 + random.nextInt(w / 2), 8 + random.nextInt(h / 2));
            } else {
                g.fillRect(x, y, 8 + random.nextInt(w / 2), 8 + random.nextInt(h / 2));
            }
            g.dispose();
            Path file = images.resolve(String.format("%05d.png", i));
            ImageIO.write(img, "png", file.toFile());
            files.add(file);
        }
        return files;
    }

    /** A manifest of {@code files} (paths relative to it), one caption each; {@code extra} lines appended as they are. */
    static Path manifest(Path file, List<Path> files, String... extra) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Path f : files) {
            String rel = file.toAbsolutePath().getParent().relativize(f.toAbsolutePath()).toString();
            sb.append("{\"image\": \"").append(rel).append("\", \"caption\": \"a shape\"}\n");
        }
        for (String line : extra) {
            sb.append(line).append('\n');
        }
        Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
        return file;
    }
}
