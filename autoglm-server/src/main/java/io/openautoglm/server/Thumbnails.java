package io.openautoglm.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.search.Hit;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Small PNGs of indexed pictures: longest side at most {@link #MAX_SIDE} (smaller pictures keep
 * their size), decoded with the server's pixel limit, the last few hundred kept in memory (a
 * results grid asks for the same ones again and again).
 */
final class Thumbnails {
    static final int MAX_SIDE = 128;

    private final ImageLoader loader;
    private final Cache<String, byte[]> cache = Caffeine.newBuilder().maximumSize(512).build();

    Thumbnails(long maxImagePixels) {
        this.loader = new ImageLoader(maxImagePixels);
    }

    /** The PNG of {@code entry}'s picture; 404 when its file is gone or no longer a picture. */
    byte[] png(Hit entry) {
        Path file = Path.of(entry.path());
        String key = entry.id() + "\n" + entry.path() + "\n" + lastModified(file, entry.id());
        return cache.get(key, k -> render(file, entry.id()));
    }

    private static long lastModified(Path file, String id) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw gone(id, "is no longer at its indexed path");
        }
    }

    private byte[] render(Path file, String id) {
        RgbImage rgb;
        try {
            rgb = loader.load(file);
        } catch (UserInputException e) {
            throw gone(id, "cannot be read any more");
        }
        double scale = Math.min(1.0, (double) MAX_SIDE / Math.max(rgb.width(), rgb.height()));
        int w = Math.max(1, (int) Math.round(rgb.width() * scale));
        int h = Math.max(1, (int) Math.round(rgb.height() * scale));
        BufferedImage thumb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = thumb.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(toBuffered(rgb), 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(thumb, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static BufferedImage toBuffered(RgbImage rgb) {
        BufferedImage img = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        byte[] p = rgb.rgb();
        int[] row = new int[rgb.width()];
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0; x < rgb.width(); x++) {
                int i = (y * rgb.width() + x) * 3;
                row[x] = (p[i] & 0xff) << 16 | (p[i + 1] & 0xff) << 8 | (p[i + 2] & 0xff);
            }
            img.setRGB(0, y, rgb.width(), 1, row, 0, rgb.width());
        }
        return img;
    }

    private static ApiException gone(String id, String what) {
        return new ApiException(404, "picture_missing", "the picture of '" + id + "' " + what);
    }
}
