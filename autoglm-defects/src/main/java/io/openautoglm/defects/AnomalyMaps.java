package io.openautoglm.defects;

import java.awt.image.BufferedImage;

/** Anomaly maps from a patch grid to picture size, and as heat-map pictures. */
public final class AnomalyMaps {
    private AnomalyMaps() {}

    /** Bilinear upsampling of a G x G map (values at patch centres) to width x height, row-major. */
    public static float[] upsample(float[] map, int grid, int width, int height) {
        float[] out = new float[width * height];
        for (int y = 0; y < height; y++) {
            double gy = Math.max(0, Math.min(grid - 1, (y + 0.5) * grid / height - 0.5));
            int y0 = (int) gy;
            int y1 = Math.min(grid - 1, y0 + 1);
            double fy = gy - y0;
            for (int x = 0; x < width; x++) {
                double gx = Math.max(0, Math.min(grid - 1, (x + 0.5) * grid / width - 0.5));
                int x0 = (int) gx;
                int x1 = Math.min(grid - 1, x0 + 1);
                double fx = gx - x0;
                double top = map[y0 * grid + x0] * (1 - fx) + map[y0 * grid + x1] * fx;
                double bottom = map[y1 * grid + x0] * (1 - fx) + map[y1 * grid + x1] * fx;
                out[y * width + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    /**
     * A heat map: {@code low} and below black, rising through red and yellow to white at {@code high}.
     */
    public static BufferedImage heat(float[] values, int width, int height, double low, double high) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        double span = Math.max(1e-9, high - low);
        for (int i = 0; i < values.length; i++) {
            double t = Math.max(0, Math.min(1, (values[i] - low) / span));
            int r = (int) Math.round(255 * Math.min(1, t * 3));
            int g = (int) Math.round(255 * Math.max(0, Math.min(1, t * 3 - 1)));
            int b = (int) Math.round(255 * Math.max(0, Math.min(1, t * 3 - 2)));
            img.setRGB(i % width, i / width, (r << 16) | (g << 8) | b);
        }
        return img;
    }
}
