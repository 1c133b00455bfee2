package io.openautoglm.defects;

import io.openautoglm.core.image.PilResampler;
import io.openautoglm.core.image.RgbImage;

/**
 * Local pixel statistics of a picture, one descriptor per cell of a grid: the second memory bank's
 * features. The bundled image tower was trained on flat-colour shapes and has no features for
 * texture (docs/defects.md measures it), while scratches, spots, cracks and stains are local
 * changes of brightness and tint that simple statistics see directly.
 *
 * <p>The picture (resized to {@link #SIZE} square) is turned into three log-opponent planes
 * (brightness and two colour differences of log RGB, so a change of exposure or shade is a shift,
 * not a scale), and each plane has its own large-scale blur subtracted (lighting gradients and
 * vignetting are not defects). Each cell of {@link #CELL} pixels is described at two scales, by the
 * window of {@link #WINDOW} pixels centred on it on planes less a blur of radius {@link #BLUR_RADIUS},
 * and by a window and blur twice that size: per plane its mean, minimum, maximum and spread, and the
 * mean horizontal and vertical brightness gradient (14 numbers a scale). The coarse scale sees the
 * outline of a part (a piece broken off), the fine one scratches and spots. Measured alternatives
 * (raw residual pixels, one scale, other window and blur sizes) are in docs/defects.md.
 */
public final class PixelPatches {
    /** Side every picture is resized to, in pixels. */
    public static final int SIZE = 128;
    /** Grid cell side, in pixels: the anomaly map has SIZE / CELL cells per side. */
    public static final int CELL = 4;
    /** Side of the window a cell is described by, in pixels, centred on the cell. */
    public static final int WINDOW = 8;
    /** Radius of each of the three box passes of the blur subtracted from every plane. */
    public static final int BLUR_RADIUS = 6;
    /** Numbers per scale, and per descriptor (two scales). */
    public static final int DIMS_PER_SCALE = 14;
    public static final int DIMS = 2 * DIMS_PER_SCALE;

    private PixelPatches() {}

    /** Cells per side of the grid. */
    public static int grid() {
        return SIZE / CELL;
    }

    /** One descriptor per grid cell, row-major: (G*G rows of {@link #DIMS}). */
    public static float[][] of(RgbImage image) {
        RgbImage img = image.width() == SIZE && image.height() == SIZE ? image
                : PilResampler.resize(image, SIZE, SIZE, PilResampler.Filter.BICUBIC);
        float[][] planes = logOpponentPlanes(img);
        float[][] fine = residual(planes, BLUR_RADIUS);
        float[][] coarse = residual(planes, 2 * BLUR_RADIUS);
        int g = grid();
        float[][] out = new float[g * g][];
        for (int cy = 0; cy < g; cy++) {
            for (int cx = 0; cx < g; cx++) {
                float[] f = new float[DIMS];
                describe(fine, cx, cy, WINDOW, f, 0);
                describe(coarse, cx, cy, 2 * WINDOW, f, DIMS_PER_SCALE);
                out[cy * g + cx] = f;
            }
        }
        return out;
    }

    /** Writes the statistics of the window of side {@code window} centred on cell (cx, cy) into f from {@code k}. */
    private static void describe(float[][] planes, int cx, int cy, int window, float[] f, int k) {
        int x0 = Math.max(0, cx * CELL + CELL / 2 - window / 2);
        int y0 = Math.max(0, cy * CELL + CELL / 2 - window / 2);
        int x1 = Math.min(SIZE, x0 + window);
        int y1 = Math.min(SIZE, y0 + window);
        int n = (x1 - x0) * (y1 - y0);
        for (float[] plane : planes) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            double sum = 0;
            double squares = 0;
            for (int y = y0; y < y1; y++) {
                for (int x = x0; x < x1; x++) {
                    float v = plane[y * SIZE + x];
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    sum += v;
                    squares += v * v;
                }
            }
            double mean = sum / n;
            f[k++] = (float) mean * 2; // mean and spread count double: they move less than the extremes
            f[k++] = min;
            f[k++] = max;
            f[k++] = (float) Math.sqrt(Math.max(0, squares / n - mean * mean)) * 2;
        }
        float[] brightness = planes[0];
        double gx = 0;
        double gy = 0;
        int pairs = 0;
        for (int y = y0; y < y1 - 1; y++) {
            for (int x = x0; x < x1 - 1; x++) {
                int i = y * SIZE + x;
                gx += Math.abs(brightness[i + 1] - brightness[i]);
                gy += Math.abs(brightness[i + SIZE] - brightness[i]);
                pairs++;
            }
        }
        f[k++] = (float) (gx / Math.max(1, pairs));
        f[k] = (float) (gy / Math.max(1, pairs));
    }

    /** log(v + 8) for each byte value v; +8: sensor noise in dark pixels must not explode. */
    private static final float[] LOG = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            LOG[v] = (float) Math.log(v + 8);
        }
    }

    /** Log-opponent planes of a SIZE x SIZE picture: brightness, red minus green, blue minus green (3 of SIZE*SIZE). */
    static float[][] logOpponentPlanes(RgbImage img) {
        int pixels = SIZE * SIZE;
        float[][] planes = new float[3][pixels];
        byte[] rgb = img.rgb();
        for (int i = 0; i < pixels; i++) {
            float r = LOG[rgb[i * 3] & 0xff];
            float g = LOG[rgb[i * 3 + 1] & 0xff];
            float b = LOG[rgb[i * 3 + 2] & 0xff];
            planes[0][i] = (r + g + b) / 3;
            planes[1][i] = r - g;
            planes[2][i] = b - g;
        }
        return planes;
    }

    /** Each plane less its blur of that radius (three box passes, close to a Gaussian); the planes are not changed. */
    static float[][] residual(float[][] planes, int radius) {
        float[][] out = new float[planes.length][];
        for (int p = 0; p < planes.length; p++) {
            float[] blur = planes[p];
            for (int pass = 0; pass < 3; pass++) {
                blur = FlatField.boxColumns(FlatField.boxRows(blur, SIZE, SIZE, radius), SIZE, SIZE, radius);
            }
            float[] r = new float[blur.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = planes[p][i] - blur[i];
            }
            out[p] = r;
        }
        return out;
    }
}
