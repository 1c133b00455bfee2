package io.openautoglm.defects.data;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;

/**
 * A picture being painted: three float planes in 0..255 (row-major, side {@code size}), the part's
 * own pixels ({@code part}: every pixel for a textured surface), and the defect mask painted so far.
 */
final class Canvas {
    final int size;
    final float[][] rgb; // (3, S*S)
    final boolean[] part; // (S*S): where the inspected object is
    final float[] defect; // (S*S): defect coverage 0..1
    final float[][] background; // (3, S*S): what shows through where a piece is missing

    Canvas(int size) {
        this.size = size;
        this.rgb = new float[3][size * size];
        this.part = new boolean[size * size];
        this.defect = new float[size * size];
        this.background = new float[3][size * size];
    }

    float get(int c, int x, int y) {
        return rgb[c][clamp(y) * size + clamp(x)];
    }

    int clamp(int v) {
        return Math.max(0, Math.min(size - 1, v));
    }

    /** Blends {@code colour} over pixel (x, y) with weight {@code alpha} and marks it as defect when visible enough. */
    void blend(int x, int y, float[] colour, float alpha) {
        if (x < 0 || y < 0 || x >= size || y >= size || alpha <= 0) {
            return;
        }
        int i = y * size + x;
        float a = Math.min(1f, alpha);
        for (int c = 0; c < 3; c++) {
            rgb[c][i] = rgb[c][i] * (1 - a) + colour[c] * a;
        }
        defect[i] = Math.max(defect[i], a);
    }

    /** Multiplies pixel (x, y) by {@code factor} (darker below 1) with weight {@code alpha}. */
    void shade(int x, int y, float factor, float alpha) {
        if (x < 0 || y < 0 || x >= size || y >= size) {
            return;
        }
        int i = y * size + x;
        blend(x, y, new float[] {rgb[0][i] * factor, rgb[1][i] * factor, rgb[2][i] * factor}, alpha);
    }

    /** Sensor noise and a smooth lighting gradient, applied last so that defects get them too. */
    void finish(SplittableRandom random, double noiseStd) {
        double gx = random.nextDouble(-0.15, 0.15);
        double gy = random.nextDouble(-0.15, 0.15);
        double gain = random.nextDouble(0.9, 1.1);
        double cx = random.nextDouble(0.3, 0.7) * size;
        double cy = random.nextDouble(0.3, 0.7) * size;
        double vignette = random.nextDouble(0.0, 0.25);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double u = (x - size / 2.0) / size;
                double v = (y - size / 2.0) / size;
                double r2 = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (size * (double) size);
                double light = gain * (1 + gx * u * 2 + gy * v * 2) * (1 - vignette * r2);
                int i = y * size + x;
                for (int c = 0; c < 3; c++) {
                    rgb[c][i] = (float) (rgb[c][i] * light + random.nextGaussian() * noiseStd);
                }
            }
        }
    }

    BufferedImage toImage() {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < size * size; i++) {
            int r = byteOf(rgb[0][i]);
            int g = byteOf(rgb[1][i]);
            int b = byteOf(rgb[2][i]);
            img.setRGB(i % size, i / size, (r << 16) | (g << 8) | b);
        }
        return img;
    }

    /** The defect mask as MVTec AD stores it: 255 where the defect is, 0 elsewhere. */
    BufferedImage maskImage() {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < size * size; i++) {
            img.getRaster().setSample(i % size, i / size, 0, defect[i] >= 0.3f ? 255 : 0);
        }
        return img;
    }

    int defectPixels() {
        int n = 0;
        for (float d : defect) {
            if (d >= 0.3f) {
                n++;
            }
        }
        return n;
    }

    private static int byteOf(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }
}
