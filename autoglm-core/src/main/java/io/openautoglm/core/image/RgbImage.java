package io.openautoglm.core.image;

/**
 * Decoded 8-bit RGB pixels, row-major, interleaved R,G,B.
 *
 * <p>{@code alpha} is the picture's own alpha channel (one byte per pixel, row-major) or
 * {@code null} for an opaque picture. It is kept only because the reference preprocessing
 * (Pillow's {@code Image.resize} on an RGBA picture) resamples with premultiplied alpha before
 * the alpha is dropped, which changes the RGB result visibly; everything else may ignore it.
 * The RGB bytes are the stored (non-premultiplied) values.
 */
public record RgbImage(int width, int height, byte[] rgb, byte[] alpha) {

    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (rgb == null || rgb.length != pixels * 3) {
            throw new IllegalArgumentException("rgb must hold width*height*3 = " + pixels * 3
                    + " bytes for " + width + "x" + height + ", got " + (rgb == null ? "null" : rgb.length));
        }
        if (alpha != null && alpha.length != pixels) {
            throw new IllegalArgumentException("alpha must hold width*height = " + pixels
                    + " bytes for " + width + "x" + height + ", got " + alpha.length);
        }
    }

    /** An opaque picture. */
    public RgbImage(int width, int height, byte[] rgb) {
        this(width, height, rgb, null);
    }

    public boolean hasAlpha() {
        return alpha != null;
    }

    /** Channel {@code c} (0 = R) of pixel (x, y) as 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xFF;
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + (alpha != null ? ", with alpha" : "") + "]";
    }
}
