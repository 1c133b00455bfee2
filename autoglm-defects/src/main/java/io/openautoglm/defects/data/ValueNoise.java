package io.openautoglm.defects.data;

import java.util.SplittableRandom;

/** Smooth random noise in -1..1: random values on a coarse grid, interpolated with smoothstep. */
final class ValueNoise {
    private final int cells;
    private final float[] grid; // ((cells + 1) * (cells + 1))

    ValueNoise(SplittableRandom random, int cells) {
        this.cells = cells;
        this.grid = new float[(cells + 1) * (cells + 1)];
        for (int i = 0; i < grid.length; i++) {
            grid[i] = (float) random.nextDouble(-1, 1);
        }
    }

    /** The noise at (u, v) in 0..1 (clamped). */
    float at(double u, double v) {
        double gx = Math.max(0, Math.min(cells - 1e-9, u * cells));
        double gy = Math.max(0, Math.min(cells - 1e-9, v * cells));
        int x0 = (int) gx;
        int y0 = (int) gy;
        double fx = smooth(gx - x0);
        double fy = smooth(gy - y0);
        int w = cells + 1;
        double top = grid[y0 * w + x0] * (1 - fx) + grid[y0 * w + x0 + 1] * fx;
        double bottom = grid[(y0 + 1) * w + x0] * (1 - fx) + grid[(y0 + 1) * w + x0 + 1] * fx;
        return (float) (top * (1 - fy) + bottom * fy);
    }

    private static double smooth(double t) {
        return t * t * (3 - 2 * t);
    }
}
