package io.openautoglm.defects;

import io.openautoglm.core.image.RgbImage;

/**
 * Flat-field correction, as inspection cameras apply it: each channel divided by its own
 * large-scale blur (three box passes, about a Gaussian of a tenth of the picture) and scaled back
 * to its mean. Uneven lighting, vignetting and exposure change from picture to picture are removed;
 * anything smaller than the blur (a scratch, a spot, a chip) stays. The memory bank compares the
 * corrected pictures, so that good pictures under other light do not look like defects.
 */
public final class FlatField {
    private FlatField() {}

    public static RgbImage correct(RgbImage image) {
        int w = image.width();
        int h = image.height();
        int radius = Math.max(1, Math.min(w, h) / 20); // three passes of 2r+1: a blur over about a tenth of the side
        byte[] in = image.rgb();
        byte[] out = new byte[in.length];
        float[] plane = new float[w * h];
        for (int c = 0; c < 3; c++) {
            double mean = 0;
            for (int i = 0; i < w * h; i++) {
                plane[i] = (in[i * 3 + c] & 0xff) + 1f;
                mean += plane[i];
            }
            mean /= w * h;
            float[] blur = plane.clone();
            for (int pass = 0; pass < 3; pass++) {
                blur = boxRows(blur, w, h, radius);
                blur = boxColumns(blur, w, h, radius);
            }
            for (int i = 0; i < w * h; i++) {
                double v = plane[i] / blur[i] * mean - 1;
                out[i * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
            }
        }
        return new RgbImage(w, h, out);
    }

    /** Mean over a window of 2r+1 along each row, the window clipped at the borders. */
    static float[] boxRows(float[] v, int w, int h, int r) {
        float[] out = new float[v.length];
        for (int y = 0; y < h; y++) {
            double sum = 0;
            int n = 0;
            int row = y * w;
            for (int x = 0; x <= Math.min(w - 1, r); x++) {
                sum += v[row + x];
                n++;
            }
            for (int x = 0; x < w; x++) {
                out[row + x] = (float) (sum / n);
                int add = x + r + 1;
                int drop = x - r;
                if (add < w) {
                    sum += v[row + add];
                    n++;
                }
                if (drop >= 0) {
                    sum -= v[row + drop];
                    n--;
                }
            }
        }
        return out;
    }

    static float[] boxColumns(float[] v, int w, int h, int r) {
        float[] out = new float[v.length];
        for (int x = 0; x < w; x++) {
            double sum = 0;
            int n = 0;
            for (int y = 0; y <= Math.min(h - 1, r); y++) {
                sum += v[y * w + x];
                n++;
            }
            for (int y = 0; y < h; y++) {
                out[y * w + x] = (float) (sum / n);
                int add = y + r + 1;
                int drop = y - r;
                if (add < h) {
                    sum += v[add * w + x];
                    n++;
                }
                if (drop >= 0) {
                    sum -= v[drop * w + x];
                    n--;
                }
            }
        }
        return out;
    }
}
