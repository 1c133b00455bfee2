package io.openautoglm.core.image;

import io.openautoglm.core.UserInputException;

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

    /**
     * The most bytes one pass's intermediate may take (the horizontal pass's output, before the
     * vertical pass). A cropped resize stays far below it; only a full resize of a very elongated
     * picture (1 x 16,777,216 squashed to S x S) reaches it, and is refused instead of allocating
     * gigabytes.
     */
    static final long MAX_INTERMEDIATE_BYTES = 64L << 20;

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
     * Pillow's {@code resize((outWidth, outHeight))} followed by the crop of {@code cropW x cropH}
     * pixels at ({@code left}, {@code top}), computing only the cropped pixels: each output pixel
     * depends on its own source window alone, so the bits are those of the full resize, but the
     * memory is the crop's and the few source rows it reads. This is what keeps a 1 x 16,777,216
     * picture (whose full resize would hold billions of pixels) as cheap as an ordinary one.
     * The output size is a {@code long}: only the crop has to fit in an array.
     */
    public static RgbImage resizeCropped(RgbImage image, long outWidth, long outHeight, long left, long top, int cropW, int cropH,
            Filter filter) {
        if (outWidth <= 0 || outHeight <= 0 || cropW <= 0 || cropH <= 0 || left < 0 || top < 0
                || left + cropW > outWidth || top + cropH > outHeight) {
            throw new IllegalArgumentException("crop " + cropW + "x" + cropH + "+" + left + "+" + top + " does not fit in "
                    + outWidth + "x" + outHeight);
        }
        int w = image.width();
        int h = image.height();
        if (w == outWidth && h == outHeight) {
            // no pass, so no premultiplied round trip either (as resize returns the picture as it is)
            byte[] rgb = resampleCropped(image.rgb(), 3, w, h, w, h, left, top, cropW, cropH, filter);
            byte[] alpha = image.hasAlpha() ? resampleCropped(image.alpha(), 1, w, h, w, h, left, top, cropW, cropH, filter) : null;
            return alpha == null ? new RgbImage(cropW, cropH, rgb) : new RgbImage(cropW, cropH, rgb, alpha);
        }
        if (!image.hasAlpha()) {
            byte[] out = resampleCropped(image.rgb(), 3, w, h, outWidth, outHeight, left, top, cropW, cropH, filter);
            return new RgbImage(cropW, cropH, out);
        }
        byte[] rgba = premultiply(image.rgb(), image.alpha());
        byte[] out = resampleCropped(rgba, 4, w, h, outWidth, outHeight, left, top, cropW, cropH, filter);
        return unpremultiply(out, cropW, cropH);
    }

    /**
     * Resamples interleaved uint8 pixels with {@code channels} channels. Like Pillow, a pass is
     * skipped when its dimension does not change.
     */
    static byte[] resample(byte[] in, int channels, int w, int h, int outW, int outH, Filter filter) {
        byte[] out = resampleCropped(in, channels, w, h, outW, outH, 0, 0, outW, outH, filter);
        return out == in ? in.clone() : out;
    }

    /**
     * The {@code cropW x cropH} window at ({@code left}, {@code top}) of the resize to
     * {@code outW x outH}: the horizontal pass runs only over the source rows the window's
     * vertical pass reads, and only for the window's columns.
     */
    static byte[] resampleCropped(byte[] in, int ch, int w, int h, long outW, long outH, long left, long top, int cropW,
            int cropH, Filter filter) {
        Coefficients cy = outH != h ? Coefficients.compute(h, outH, top, cropH, filter) : null;
        int rowFirst = cy != null ? cy.min[0] : (int) top;
        int rowEnd = rowFirst + cropH;
        if (cy != null) {
            for (int i = 0; i < cropH; i++) {
                rowFirst = Math.min(rowFirst, cy.min[i]);
                rowEnd = Math.max(rowEnd, cy.min[i] + cy.count[i]);
            }
            rowEnd = Math.min(rowEnd, h);
        }
        int rows = rowEnd - rowFirst;
        if ((long) rows * cropW * ch > MAX_INTERMEDIATE_BYTES) {
            throw new UserInputException("a " + w + "x" + h + " picture is too elongated to resize to " + outW + "x" + outH
                    + " (its intermediate would take " + ((long) rows * cropW * ch >> 20) + " MB); crop or pad it closer to square");
        }
        byte[] pixels; // (rows, cropW, ch)
        if (outW != w) {
            pixels = horizontal(in, ch, w, rowFirst, rows, cropW, Coefficients.compute(w, outW, left, cropW, filter));
        } else if (left == 0 && cropW == w && rowFirst == 0 && rows == h) {
            pixels = in;
        } else {
            pixels = new byte[rows * cropW * ch];
            for (int y = 0; y < rows; y++) {
                System.arraycopy(in, ((rowFirst + y) * w + (int) left) * ch, pixels, y * cropW * ch, cropW * ch);
            }
        }
        return cy != null ? vertical(pixels, ch, cropW, cropH, cy, rowFirst) : pixels;
    }

    /** Rows {@code yFirst .. yFirst + rows - 1} of {@code in} (width {@code w}) to width {@code outW}. */
    private static byte[] horizontal(byte[] in, int ch, int w, int yFirst, int rows, int outW, Coefficients c) {
        byte[] out = new byte[outW * rows * ch]; // (rows, outW, ch)
        int[] ss = new int[ch];
        for (int y = 0; y < rows; y++) {
            int row = (yFirst + y) * w * ch;
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

    /** {@code in} holds source rows from {@code rowBase} on; the windows in {@code c} are in source rows. */
    private static byte[] vertical(byte[] in, int ch, int w, int outH, Coefficients c, int rowBase) {
        byte[] out = new byte[w * outH * ch]; // (outH, w, ch)
        int rowLen = w * ch;
        for (int yy = 0; yy < outH; yy++) {
            int ymin = c.min[yy] - rowBase;
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
            return compute(inSize, outSize, 0, outSize, filter);
        }

        /** The coefficients of output pixels {@code first .. first + n - 1} of an {@code outSize} resize (index 0 is {@code first}). */
        static Coefficients compute(int inSize, long outSize, long first, int n, Filter filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0); // widen the kernel only when shrinking
            double support = filter.support * filterScale;
            int ksize = (int) Math.ceil(support) * 2 + 1;
            int[] min = new int[n];
            int[] count = new int[n];
            int[] kk = new int[Math.multiplyExact(n, ksize)];
            double[] k = new double[ksize];
            for (int xx = 0; xx < n; xx++) {
                double center = (first + xx + 0.5) * scale;
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
