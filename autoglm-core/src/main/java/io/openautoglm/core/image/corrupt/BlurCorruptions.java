package io.openautoglm.core.image.corrupt;

import java.util.SplittableRandom;

/**
 * ImageNet-C's Gaussian blur and motion blur. Edges repeat the border pixel (scikit-image's
 * {@code mode='nearest'}, ImageMagick's edge virtual pixels).
 */
final class BlurCorruptions {
    /** scikit-image's default: the kernel reaches 4 sigma each way. */
    private static final double TRUNCATE = 4.0;

    private BlurCorruptions() {}

    /** A separable Gaussian of standard deviation {@code sigma} pixels. */
    static FloatPicture gaussian(FloatPicture p, double sigma) {
        if (sigma <= 0) {
            return p;
        }
        int radius = Math.max(1, (int) (TRUNCATE * sigma + 0.5));
        float[] kernel = new float[2 * radius + 1]; // (2R+1)
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            double w = Math.exp(-0.5 * i * i / (sigma * sigma));
            kernel[i + radius] = (float) w;
            sum += w;
        }
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] /= (float) sum;
        }
        int w = p.width;
        int h = p.height;
        float[] rows = new float[p.rgb.length]; // (H, W, 3) blurred along x
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    float acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int xx = Math.min(w - 1, Math.max(0, x + k));
                        acc += kernel[k + radius] * p.rgb[(y * w + xx) * 3 + c];
                    }
                    rows[(y * w + x) * 3 + c] = acc;
                }
            }
        }
        float[] out = new float[p.rgb.length]; // (H, W, 3) then along y
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    float acc = 0;
                    for (int k = -radius; k <= radius; k++) {
                        int yy = Math.min(h - 1, Math.max(0, y + k));
                        acc += kernel[k + radius] * rows[(yy * w + x) * 3 + c];
                    }
                    out[(y * w + x) * 3 + c] = acc;
                }
            }
        }
        return p.with(out);
    }

    /**
     * The picture smeared along one direction, as a camera moving during the exposure: the sum of
     * copies shifted by 0, 1, ..., 2*radius pixels along the angle, weighted by a one-sided
     * Gaussian of {@code sigma} (ImageMagick's {@code -motion-blur radius x sigma + angle}, which
     * ImageNet-C calls with an angle drawn from [-45, 45] degrees).
     */
    static FloatPicture motion(FloatPicture p, double radius, double sigma, SplittableRandom random) {
        double angle = Math.toRadians(random.nextDouble(-45.0, 45.0)); // drawn first, so every severity moves the same way
        int width = 2 * Math.max(1, (int) Math.round(radius)) + 1;
        double[] weights = new double[width]; // (K)
        double sum = 0;
        for (int i = 0; i < width; i++) {
            weights[i] = Math.exp(-0.5 * i * i / (sigma * sigma));
            sum += weights[i];
        }
        int w = p.width;
        int h = p.height;
        float[] out = new float[p.rgb.length]; // (H, W, 3)
        double used = 0;
        for (int i = 0; i < width; i++) {
            int dx = (int) Math.round(i * Math.cos(angle));
            int dy = (int) Math.round(i * Math.sin(angle));
            if (Math.abs(dx) >= w || Math.abs(dy) >= h) {
                break; // the motion left the picture
            }
            float weight = (float) (weights[i] / sum);
            used += weights[i] / sum;
            for (int y = 0; y < h; y++) {
                int sy = Math.min(h - 1, Math.max(0, y - dy));
                for (int x = 0; x < w; x++) {
                    int sx = Math.min(w - 1, Math.max(0, x - dx));
                    int from = (sy * w + sx) * 3;
                    int to = (y * w + x) * 3;
                    out[to] += weight * p.rgb[from];
                    out[to + 1] += weight * p.rgb[from + 1];
                    out[to + 2] += weight * p.rgb[from + 2];
                }
            }
        }
        if (used < 1.0) { // shifts cut short by the border: keep the brightness
            float fix = (float) (1.0 / used);
            for (int i = 0; i < out.length; i++) {
                out[i] *= fix;
            }
        }
        return p.with(out);
    }
}
