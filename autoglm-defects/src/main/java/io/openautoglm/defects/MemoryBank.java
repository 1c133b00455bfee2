package io.openautoglm.defects;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Good patch features of one category, and the distance of a new patch to its nearest one
 * (PatchCore's anomaly score: a patch unlike every good patch is suspect). The bank is a greedy
 * k-center coreset of all good patches, which bounds its size while keeping the outliers a random
 * subsample would drop. The distance is Euclidean (for the tower's L2-normalized patches that is
 * sqrt(2 - 2 cos); the pixel statistics of {@link PixelPatches} are not normalized).
 *
 * <p>The nearest-neighbour search runs as one matrix product on libtorch; the bank lives in a
 * manager this object owns and closes.
 */
public final class MemoryBank implements AutoCloseable {
    private static final int QUERY_BLOCK = 256; // rows of a (QUERY_BLOCK, M) product: 4 MiB at M = 4096, where all 1,024 pixel cells at once would be 16 MiB

    private final float[][] rows; // (M, D)
    private final NDManager manager;
    private final NDArray augmentedT; // (D + 1, M): the rows times -2, then each row's squared norm

    public MemoryBank(NDManager parent, float[][] rows) {
        this.rows = rows;
        this.manager = parent.newSubManager();
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        NDArray bank = manager.create(flat, new Shape(rows.length, d)); // (M, D)
        NDArray squares = bank.square().sum(new int[] {1}, true); // (M, 1)
        this.augmentedT = bank.mul(-2).concat(squares, 1).transpose(); // (D + 1, M)
    }

    public float[][] rows() {
        return rows;
    }

    public int size() {
        return rows.length;
    }

    /**
     * Distance of each patch to its nearest bank row: patches (N, D) -> (N). |q - b|^2 = |q|^2 + (|b|^2 - 2 q.b),
     * and the bracket for every bank row is one product of [q, 1] with the augmented bank, so the
     * search is a matrix product and a row minimum, nothing else the size of N x M; queries go in
     * blocks so that product stays in cache.
     */
    public float[] distances(float[][] patches) {
        int d = patches[0].length;
        float[] out = new float[patches.length];
        try (NDManager scope = manager.newSubManager()) {
            for (int start = 0; start < patches.length; start += QUERY_BLOCK) {
                int n = Math.min(QUERY_BLOCK, patches.length - start);
                float[] flat = new float[n * (d + 1)];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(patches[start + i], 0, flat, i * (d + 1), d);
                    flat[i * (d + 1) + d] = 1;
                }
                float[] nearest; // (n): min over the bank of |b|^2 - 2 q.b
                try (NDManager block = scope.newSubManager()) {
                    nearest = block.create(flat, new Shape(n, d + 1)).matMul(augmentedT).min(new int[] {1}).toFloatArray();
                }
                for (int i = 0; i < n; i++) {
                    double square = 0;
                    for (float v : patches[start + i]) {
                        square += v * v;
                    }
                    out[start + i] = (float) Math.sqrt(Math.max(0, square + nearest[i]));
                }
            }
        }
        return out;
    }

    /**
     * Greedy k-center selection (Sener and Savarese's coreset, as PatchCore uses it): start from a
     * random patch, then repeatedly take the patch farthest from everything chosen so far.
     */
    public static float[][] coreset(List<float[]> patches, int size, long seed) {
        int n = patches.size();
        if (size >= n) {
            return patches.toArray(new float[0][]);
        }
        float[] nearest = new float[n]; // squared distance to the chosen set
        java.util.Arrays.fill(nearest, Float.MAX_VALUE);
        float[][] chosen = new float[size][];
        float[] squares = new float[n];
        for (int i = 0; i < n; i++) {
            for (float v : patches.get(i)) {
                squares[i] += v * v;
            }
        }
        int next = new SplittableRandom(seed).nextInt(n);
        for (int k = 0; k < size; k++) {
            float[] c = patches.get(next);
            float cSquare = squares[next];
            chosen[k] = c;
            int far = 0;
            float farthest = -1;
            for (int i = 0; i < n; i++) {
                float[] p = patches.get(i);
                float dot = 0;
                for (int j = 0; j < c.length; j++) {
                    dot += p[j] * c[j];
                }
                float dist = squares[i] + cSquare - 2 * dot;
                if (dist < nearest[i]) {
                    nearest[i] = dist;
                }
                if (nearest[i] > farthest) {
                    farthest = nearest[i];
                    far = i;
                }
            }
            next = far;
        }
        return chosen;
    }

    @Override
    public void close() {
        manager.close();
    }
}
