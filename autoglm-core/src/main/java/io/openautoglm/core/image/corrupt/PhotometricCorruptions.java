package io.openautoglm.core.image.corrupt;

/** ImageNet-C's brightness and contrast changes. */
final class PhotometricCorruptions {
    private PhotometricCorruptions() {}

    /**
     * Adds {@code amount} to the HSV value channel, keeping hue and saturation. Value is the
     * largest of R, G, B, so with hue and saturation fixed this scales the three channels by
     * new value / old value; a black pixel (saturation 0) becomes grey at {@code amount}.
     */
    static FloatPicture brightness(FloatPicture p, double amount) {
        float[] out = new float[p.rgb.length]; // (H, W, 3)
        for (int i = 0; i < out.length; i += 3) {
            float r = p.rgb[i];
            float g = p.rgb[i + 1];
            float b = p.rgb[i + 2];
            float value = Math.max(r, Math.max(g, b));
            float raised = FloatPicture.clip01((float) (value + amount));
            if (value <= 0f) {
                out[i] = raised;
                out[i + 1] = raised;
                out[i + 2] = raised;
            } else {
                float scale = raised / value;
                out[i] = r * scale;
                out[i + 1] = g * scale;
                out[i + 2] = b * scale;
            }
        }
        return p.with(out);
    }

    /** Pulls every sample toward its channel's mean over the picture: {@code (x - mean) * factor + mean}. */
    static FloatPicture contrast(FloatPicture p, double factor) {
        double[] mean = new double[3]; // (3)
        int pixels = p.width * p.height;
        for (int i = 0; i < p.rgb.length; i++) {
            mean[i % 3] += p.rgb[i];
        }
        for (int c = 0; c < 3; c++) {
            mean[c] /= pixels;
        }
        float[] out = new float[p.rgb.length]; // (H, W, 3)
        for (int i = 0; i < out.length; i++) {
            double m = mean[i % 3];
            out[i] = FloatPicture.clip01((float) ((p.rgb[i] - m) * factor + m));
        }
        return p.with(out);
    }
}
