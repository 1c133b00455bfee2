package io.openautoglm.core;

/**
 * Plain float[] math on embeddings: dot products, cosine tables, unit length, softmax, and a flat
 * (B * D) buffer cut into rows. No native memory, so evaluators, the server and tests share one copy.
 */
public final class Vectors {
    private Vectors() {
    }

    /** a . b, summed in double so long vectors keep their float precision. */
    public static float dot(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("vectors of length " + a.length + " and " + b.length);
        }
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return (float) s;
    }

    /** Dot products a_i . b_j: cosine similarities when both sides are normalized. (A, D) x (B, D) -> (A, B) */
    public static float[][] similarity(float[][] a, float[][] b) {
        float[][] out = new float[a.length][b.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b.length; j++) {
                out[i][j] = dot(a[i], b[j]);
            }
        }
        return out;
    }

    /** v / |v| as a new array; v is left as it is. */
    public static float[] normalize(float[] v) {
        double n = Math.sqrt(dot(v, v));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) (v[i] / n);
        }
        return out;
    }

    /** exp(l_i - max) / sum: the max is subtracted first so large logits do not overflow. */
    public static float[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        float[] p = new float[logits.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) Math.exp(logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= (float) sum;
        }
        return p;
    }

    /** A row-major (count, D) buffer as count rows of D. */
    public static float[][] toRows(float[] flat, int count) {
        if (count == 0) {
            return new float[0][];
        }
        if (flat.length % count != 0) {
            throw new IllegalArgumentException(flat.length + " values do not split into " + count + " rows");
        }
        int d = flat.length / count;
        float[][] rows = new float[count][d];
        for (int i = 0; i < count; i++) {
            System.arraycopy(flat, i * d, rows[i], 0, d);
        }
        return rows;
    }
}
