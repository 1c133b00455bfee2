package io.openautoglm.core.image;

/**
 * Pillow's {@code Image.resize} for 8-bit images (BICUBIC and BILINEAR), reproduced to the bit.
 *
 * <p>Port of {@code libImaging/Resample.c} (Pillow 9.x): a separable convolution, horizontal pass
 * first, then vertical; the kernel support grows with the downscale factor (antialiasing); the
 * weights of each output pixel are normalized, turned into fixed-point integers with
 * {@link #PRECISION_BITS} fractional bits, and each pass rounds and clips to uint8. Matching this
 * arithmetic (instead of resampling in floats) is what makes our pixels equal to the reference
 * CLIP preprocessing, not merely close to it.
 *
 * <p>Like Pillow, an RGBA picture is resampled premultiplied ("RGBa") and un-premultiplied
 * afterwards, so fully transparent pixels do not bleed their hidden colour into the result.
 */
public final class PilResampler {

    /** Pillow's {@code PRECISION_BITS}: 32 bits minus 8 for the value minus 2 for headroom. */
    static final int PRECISION_BITS = 32 - 8 - 2;

    public enum Filter {
        /** Pillow BICUBIC: Keys cubic with a = -0.5, support 2. */
        BICUBIC(2.0),
        /** Pillow BILINEAR: triangle, support 1. */
        BILINEAR(1.0);

        final double support;

        Filter(double support) {
            this.support = support;
        }

        double weight(double x) {
            if (x < 0.0) {
                x = -x;
            }
            if (this == BILINEAR) {
                return x < 1.0 ? 1.0 - x : 0.0;
            }
            final double a = -0.5;
            if (x < 1.0) {
                return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
            }
            if (x < 2.0) {
                return (((x - 5) * x + 8) * x - 4) * a;
            }
            return 0.0;
        }

        /** "bicubic" or "bilinear", as written in preprocessing configs. */
        public static Filter fromName(String name) {
            return switch (name) {
                case "bicubic" -> BICUBIC;
                case "bilinear" -> BILINEAR;
                default -> throw new IllegalArgumentException("unknown interpolation: " + name);
            };
        }
    }

    private PilResampler() {
    }

    /** Resizes like Pillow's {@code image.resize((outWidth, outHeight), filter)}; alpha is kept. */
    public static RgbImage resize(RgbImage image, int outWidth, int outHeight, Filter filter) {
        if (outWidth <= 0 || outHeight <= 0) {
            throw new IllegalArgumentException("output size must be positive, got " + outWidth + "x" + outHeight);
        }
        int w = image.width();
        int h = image.height();
        if (w == outWidth && h == outHeight) {
            return image; // Pillow returns a plain copy; RgbImage is treated as immutable here
        }
        if (!image.hasAlpha()) {
            byte[] out = resample(image.rgb(), 3, w, h, outWidth, outHeight, filter);
            return new RgbImage(outWidth, outHeight, out);
        }
        byte[] rgba = premultiply(image.rgb(), image.alpha());
        byte[] out = resample(rgba, 4, w, h, outWidth, outHeight, filter);
        return unpremultiply(out, outWidth, outHeight);
    }

    /**
     * Resamples interleaved uint8 pixels with {@code channels} channels. Like Pillow, a pass is
     * skipped when its dimension does not change.
     */
    static byte[] resample(byte[] in, int channels, int w, int h, int outW, int outH, Filter filter) {
        byte[] pixels = in;
        int curW = w;
        if (outW != w) {
            Coefficients cx = Coefficients.compute(w, outW, filter);
            pixels = horizontal(pixels, channels, w, h, outW, cx);
            curW = outW;
        }
        if (outH != h) {
            Coefficients cy = Coefficients.compute(h, outH, filter);
            pixels = vertical(pixels, channels, curW, outH, cy);
        }
        return pixels == in ? in.clone() : pixels;
    }

    private static byte[] horizontal(byte[] in, int ch, int w, int h, int outW, Coefficients c) {
        byte[] out = new byte[outW * h * ch];
        int[] ss = new int[ch];
        for (int y = 0; y < h; y++) {
            int row = y * w * ch;
            for (int xx = 0; xx < outW; xx++) {
                int xmin = c.min[xx];
                int count = c.count[xx];
                int k = xx * c.ksize;
                java.util.Arrays.fill(ss, 1 << (PRECISION_BITS - 1)); // +0.5 for rounding
                for (int x = 0; x < count; x++) {
                    int p = row + (xmin + x) * ch;
                    int weight = c.kk[k + x];
                    for (int b = 0; b < ch; b++) {
                        ss[b] += (in[p + b] & 0xFF) * weight;
                    }
                }
                int o = (y * outW + xx) * ch;
                for (int b = 0; b < ch; b++) {
                    out[o + b] = (byte) clip8(ss[b]);
                }
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int ch, int w, int outH, Coefficients c) {
        byte[] out = new byte[w * outH * ch];
        int rowLen = w * ch;
        for (int yy = 0; yy < outH; yy++) {
            int ymin = c.min[yy];
            int count = c.count[yy];
            int k = yy * c.ksize;
            for (int i = 0; i < rowLen; i++) {
                int ss = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < count; y++) {
                    ss += (in[(ymin + y) * rowLen + i] & 0xFF) * c.kk[k + y];
                }
                out[yy * rowLen + i] = (byte) clip8(ss);
            }
        }
        return out;
    }

    /** Pillow's {@code clip8}: drop the fraction bits (arithmetic shift), clamp to 0..255. */
    static int clip8(int v) {
        int s = v >> PRECISION_BITS;
        return s < 0 ? 0 : Math.min(s, 255);
    }

    /** Pillow's {@code rgbA2rgba}: c * a / 255 with its exact integer rounding (MULDIV255). */
    static byte[] premultiply(byte[] rgb, byte[] alpha) {
        int n = alpha.length;
        byte[] out = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            int a = alpha[i] & 0xFF;
            for (int b = 0; b < 3; b++) {
                int tmp = (rgb[i * 3 + b] & 0xFF) * a + 128;
                out[i * 4 + b] = (byte) (((tmp >> 8) + tmp) >> 8);
            }
            out[i * 4 + 3] = (byte) a;
        }
        return out;
    }

    /** Pillow's {@code rgba2rgbA}: c * 255 / a (integer division, clipped); a of 0 or 255 passes through. */
    static RgbImage unpremultiply(byte[] rgba, int w, int h) {
        int n = w * h;
        byte[] rgb = new byte[n * 3];
        byte[] alpha = new byte[n];
        for (int i = 0; i < n; i++) {
            int a = rgba[i * 4 + 3] & 0xFF;
            for (int b = 0; b < 3; b++) {
                int c = rgba[i * 4 + b] & 0xFF;
                rgb[i * 3 + b] = (byte) (a == 255 || a == 0 ? c : Math.min(255, 255 * c / a));
            }
            alpha[i] = (byte) a;
        }
        return new RgbImage(w, h, rgb, alpha);
    }

    /** Per-output-pixel source window and fixed-point weights: Pillow's {@code precompute_coeffs}. */
    static final class Coefficients {
        final int ksize;
        final int[] min;
        final int[] count;
        final int[] kk;

        private Coefficients(int ksize, int[] min, int[] count, int[] kk) {
            this.ksize = ksize;
            this.min = min;
            this.count = count;
            this.kk = kk;
        }

        static Coefficients compute(int inSize, int outSize, Filter filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0); // widen the kernel only when shrinking
            double support = filter.support * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] min = new int[outSize];
            int[] count = new int[outSize];
            int[] kk = new int[outSize * ksize];
            double[] k = new double[ksize];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                // (int) truncates toward zero exactly as the C cast does
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double ww = 0.0;
                for (int x = 0; x < xmax; x++) {
                    double wgt = filter.weight((x + xmin - center + 0.5) * ss);
                    k[x] = wgt;
                    ww += wgt;
                }
                for (int x = 0; x < xmax; x++) {
                    double v = ww != 0.0 ? k[x] / ww : k[x];
                    // normalize_coeffs_8bpc: round half away from zero, then truncate
                    kk[xx * ksize + x] = v < 0
                            ? (int) (-0.5 + v * (1 << PRECISION_BITS))
                            : (int) (0.5 + v * (1 << PRECISION_BITS));
                }
                min[xx] = xmin;
                count[xx] = xmax;
            }
            return new Coefficients(ksize, min, count, kk);
        }
    }
}
