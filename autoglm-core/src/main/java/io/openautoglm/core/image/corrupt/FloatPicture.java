package io.openautoglm.core.image.corrupt;

import io.openautoglm.core.image.RgbImage;

/**
 * A picture as floats in [0, 1], interleaved R,G,B, row-major: the space ImageNet-C defines its
 * corruptions in ({@code x / 255}). Alpha rides along untouched.
 */
final class FloatPicture {
    final int width;
    final int height;
    final float[] rgb; // (H, W, 3)
    final byte[] alpha; // (H, W) or null

    FloatPicture(int width, int height, float[] rgb, byte[] alpha) {
        this.width = width;
        this.height = height;
        this.rgb = rgb;
        this.alpha = alpha;
    }

    static FloatPicture of(RgbImage image) {
        byte[] in = image.rgb();
        float[] out = new float[in.length]; // (H, W, 3)
        for (int i = 0; i < in.length; i++) {
            out[i] = (in[i] & 0xFF) / 255f;
        }
        return new FloatPicture(image.width(), image.height(), out, image.alpha());
    }

    /** Same size and alpha, new pixels. */
    FloatPicture with(float[] pixels) {
        return new FloatPicture(width, height, pixels, alpha);
    }

    /** Back to bytes: clipped to [0, 1], then rounded to the nearest of 0..255. */
    RgbImage toImage() {
        byte[] out = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            float v = rgb[i];
            float clipped = v < 0f ? 0f : Math.min(v, 1f);
            out[i] = (byte) Math.round(clipped * 255f);
        }
        return new RgbImage(width, height, out, alpha);
    }

    float get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c];
    }

    /** The spatial parameters of ImageNet-C are pixels of a 224-pixel picture; this rescales them to ours. */
    double scaleTo224() {
        return Math.min(width, height) / 224.0;
    }

    static float clip01(float v) {
        return v < 0f ? 0f : Math.min(v, 1f);
    }
}
