package io.openautoglm.core.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;

/**
 * BufferedImage (any layout) to {@link RgbImage}, reading stored samples rather than going
 * through Java's colour conversion: {@code getRGB} treats grey as linear light and would brighten
 * every grey picture, and it would apply embedded ICC profiles, which Pillow ignores.
 */
final class PixelExtractor {

    private PixelExtractor() {
    }

    static RgbImage extract(BufferedImage img, boolean keepAlpha) {
        int w = img.getWidth();
        int h = img.getHeight();
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        byte[] rgb = new byte[w * h * 3];
        byte[] alpha = keepAlpha && cm.hasAlpha() ? new byte[w * h] : null;
        int type = cm.getColorSpace().getType();
        int colors = cm.getNumColorComponents();
        int transfer = raster.getTransferType();
        boolean integral = transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT
                || transfer == DataBuffer.TYPE_INT || transfer == DataBuffer.TYPE_SHORT;
        if (cm instanceof ComponentColorModel && integral && !cm.isAlphaPremultiplied()
                && ((type == ColorSpace.TYPE_GRAY && colors == 1) || (type == ColorSpace.TYPE_RGB && colors == 3))) {
            fromSamples(raster, cm, colors, rgb, alpha);
        } else {
            // Palette, packed ints (INT_RGB...), CMYK and anything exotic: Java's own conversion.
            // A palette is already sRGB bytes; a CMYK JPEG was converted by the reader.
            fromArgb(img, rgb, alpha);
        }
        if (alpha != null && allOpaque(alpha)) {
            alpha = null; // nothing to premultiply; keeps the common case light
        }
        return new RgbImage(w, h, rgb, alpha);
    }

    private static void fromSamples(Raster raster, ColorModel cm, int colors, byte[] rgb, byte[] alpha) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = raster.getNumBands();
        int[] bits = cm.getComponentSize();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            for (int b = 0; b < bands; b++) {
                boolean isAlpha = b >= colors;
                if (isAlpha && alpha == null) {
                    continue;
                }
                raster.getSamples(0, y, w, 1, b, row);
                int depth = bits[Math.min(b, bits.length - 1)];
                for (int x = 0; x < w; x++) {
                    byte v = (byte) to8(row[x], depth);
                    int p = y * w + x;
                    if (isAlpha) {
                        alpha[p] = v;
                    } else if (colors == 1) {
                        rgb[p * 3] = v;
                        rgb[p * 3 + 1] = v;
                        rgb[p * 3 + 2] = v;
                    } else {
                        rgb[p * 3 + b] = v;
                    }
                }
            }
        }
    }

    /** 16-bit samples keep their high byte (Pillow's "RGB;16B" unpacking); 1/2/4-bit expand to 0..255. */
    static int to8(int v, int depth) {
        if (depth == 8) {
            return v & 0xFF;
        }
        if (depth > 8) {
            return Math.min(255, Math.max(0, v >> (depth - 8)));
        }
        return (int) Math.round(v * 255.0 / ((1 << depth) - 1));
    }

    private static void fromArgb(BufferedImage img, byte[] rgb, byte[] alpha) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            img.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                int p = y * w + x;
                rgb[p * 3] = (byte) (argb >> 16);
                rgb[p * 3 + 1] = (byte) (argb >> 8);
                rgb[p * 3 + 2] = (byte) argb;
                if (alpha != null) {
                    alpha[p] = (byte) (argb >>> 24);
                }
            }
        }
    }

    private static boolean allOpaque(byte[] alpha) {
        for (byte a : alpha) {
            if (a != (byte) 0xFF) {
                return false;
            }
        }
        return true;
    }
}
