package io.openautoglm.search;

import java.util.Random;

/** Random unit vectors for tests. */
final class Vectors {
    private Vectors() {}

    static float[] unit(Random random, int dim) {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return normalize(v);
    }

    static float[] normalize(float[] v) {
        double n = 0;
        for (float x : v) {
            n += (double) x * x;
        }
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / Math.sqrt(n));
        }
        return out;
    }

    /** A unit vector along axis {@code i}. */
    static float[] axis(int dim, int i) {
        float[] v = new float[dim];
        v[i] = 1;
        return v;
    }

    static ModelIdentity model(int dim) {
        return new ModelIdentity("test-model", "a".repeat(64), dim, true, "/models/test-model");
    }
}
