package io.openautoglm.onnx.quantize;

/**
 * Symmetric int8 quantization of a weight matrix: q = round(w / s) in [-127, 127] and zero point 0,
 * so the int8 product needs no zero-point correction on the weight side. -128 is left out so that
 * the range is symmetric and negating a weight never overflows.
 */
final class SymmetricInt8 {
    static final int LIMIT = 127;

    /** @param scales one per group: (N) for per-column, (1) for per-tensor, (V) for per-row */
    record Quantized(byte[] values, float[] scales) {}

    private SymmetricInt8() {}

    /** w (K, N) row-major, one scale per column j (or one for all when {@code perColumn} is false). */
    static Quantized columns(float[] w, int k, int n, boolean perColumn) {
        float[] max = new float[perColumn ? n : 1]; // (N) or (1)
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                int g = perColumn ? j : 0;
                max[g] = Math.max(max[g], Math.abs(w[i * n + j]));
            }
        }
        float[] scales = scalesFor(max);
        byte[] q = new byte[w.length];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                q[i * n + j] = round(w[i * n + j], scales[perColumn ? j : 0]);
            }
        }
        return new Quantized(q, scales);
    }

    /** e (V, D) row-major, one scale per row v: an embedding table whose rows are looked up one by one. */
    static Quantized rows(float[] e, int v, int d) {
        float[] max = new float[v]; // (V)
        for (int r = 0; r < v; r++) {
            for (int c = 0; c < d; c++) {
                max[r] = Math.max(max[r], Math.abs(e[r * d + c]));
            }
        }
        float[] scales = scalesFor(max);
        byte[] q = new byte[e.length];
        for (int r = 0; r < v; r++) {
            for (int c = 0; c < d; c++) {
                q[r * d + c] = round(e[r * d + c], scales[r]);
            }
        }
        return new Quantized(q, scales);
    }

    /** (K, N) -> (N, K): Gemm's transB weights and Transpose-fed MatMuls are stored the other way round. */
    static float[] transpose(float[] w, int rows, int cols) {
        float[] t = new float[w.length];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = w[i * cols + j];
            }
        }
        return t;
    }

    private static float[] scalesFor(float[] max) {
        float[] s = new float[max.length];
        for (int g = 0; g < max.length; g++) {
            // An all-zero group gets scale 1: its values quantize to 0 either way, and 0 would divide by zero.
            s[g] = max[g] > 0 && Float.isFinite(max[g]) ? max[g] / LIMIT : 1f;
        }
        return s;
    }

    private static byte round(float value, float scale) {
        long q = Math.round(value / scale);
        return (byte) Math.max(-LIMIT, Math.min(LIMIT, q));
    }
}
