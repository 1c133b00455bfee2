package io.openautoglm.bench;

import io.openautoglm.core.Vectors;
import java.util.Random;

/**
 * A deterministic stream of synthetic unit vectors: the data set's vectors first, then its queries,
 * all from one {@code Random(seed)}. The same seed replays the same stream, so a benchmark can
 * regenerate a million vectors instead of keeping a copy of them (2 GB at 512 dimensions).
 *
 * <ul>
 *   <li>{@code random}: uniform on the sphere, where all distances are nearly equal (the hard case
 *       for graphs);
 *   <li>{@code clustered}: around one of 1,000 random centres, centre plus a noise vector of 0.7
 *       its length (closer to real embeddings).
 * </ul>
 */
final class SyntheticVectors {
    static final int CLUSTERS = 1000;

    private final Random random;
    private final int dim;
    private final float[][] centres; // (C, D), null for uniform data

    SyntheticVectors(String data, int dim, long seed) {
        this.random = new Random(seed);
        this.dim = dim;
        switch (data) {
            case "random" -> centres = null;
            case "clustered" -> {
                centres = new float[CLUSTERS][];
                for (int c = 0; c < CLUSTERS; c++) {
                    centres[c] = uniform();
                }
            }
            default -> throw new IllegalArgumentException("--data must be random or clustered, got " + data);
        }
    }

    /** The next vector of the stream, unit length. */
    float[] next() {
        if (centres == null) {
            return uniform();
        }
        float[] c = centres[random.nextInt(centres.length)]; // (D)
        float[] u = uniform(); // (D)
        float[] v = new float[dim]; // (D)
        for (int i = 0; i < dim; i++) {
            v[i] = c[i] + 0.7f * u[i];
        }
        return Vectors.normalize(v);
    }

    /** Skips {@code count} vectors (replaying them: the stream has no shortcut). */
    void skip(long count) {
        for (long i = 0; i < count; i++) {
            next();
        }
    }

    private float[] uniform() {
        float[] v = new float[dim];
        for (int i = 0; i < dim; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return Vectors.normalize(v);
    }
}
