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
    private final float[][] rows; // (M, D)
    private final NDManager manager;
    private final NDArray bankT; // (D, M)
    private final NDArray bankSquares; // (1, M): each row's squared norm

    public MemoryBank(NDManager parent, float[][] rows) {
        this.rows = rows;
        this.manager = parent.newSubManager();
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        NDArray bank = manager.create(flat, new Shape(rows.length, d)); // (M, D)
        this.bankT = bank.transpose(); // (D, M)
        this.bankSquares = bank.square().sum(new int[] {1}).reshape(1, rows.length); // (1, M)
    }

    public float[][] rows() {
        return rows;
    }

    public int size() {
        return rows.length;
    }

    /** Distance of each patch to its nearest bank row: patches (N, D) -> (N). */
    public float[] distances(float[][] patches) {
        int d = patches[0].length;
        float[] flat = new float[patches.length * d];
        for (int i = 0; i < patches.length; i++) {
            System.arraycopy(patches[i], 0, flat, i * d, d);
        }
        try (NDManager scope = manager.newSubManager()) {
            NDArray q = scope.create(flat, new Shape(patches.length, d)); // (N, D)
            NDArray squares = q.square().sum(new int[] {1}, true); // (N, 1)
            NDArray nearest = squares.add(bankSquares).sub(q.matMul(bankT).mul(2)).min(new int[] {1}); // (N): squared distance to the nearest row
            float[] d2 = nearest.toFloatArray();
            float[] out = new float[d2.length];
            for (int i = 0; i < d2.length; i++) {
                out[i] = (float) Math.sqrt(Math.max(0, d2[i]));
            }
            return out;
        }
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
