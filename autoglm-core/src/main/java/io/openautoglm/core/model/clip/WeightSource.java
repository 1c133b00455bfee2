package io.openautoglm.core.model.clip;

/**
 * Where one of our parameters comes from in a checkpoint: a key, and how to reshape its data.
 * OpenAI's fused attention input projection is split into q, k and v by row blocks; its
 * projections are stored (in, out) and are transposed to nn.Linear's (out, in).
 */
public record WeightSource(String key, Transform transform, int part, int parts) {

    public enum Transform { AS_IS, TRANSPOSE, ROW_BLOCK }

    public static WeightSource asIs(String key) {
        return new WeightSource(key, Transform.AS_IS, 0, 1);
    }

    public static WeightSource transposed(String key) {
        return new WeightSource(key, Transform.TRANSPOSE, 0, 1);
    }

    public static WeightSource rowBlock(String key, int part, int parts) {
        return new WeightSource(key, Transform.ROW_BLOCK, part, parts);
    }

    /** The shape our parameter gets from a source tensor of the given shape. */
    public long[] targetShape(long[] sourceShape) {
        return switch (transform) {
            case AS_IS -> sourceShape.clone();
            case TRANSPOSE -> sourceShape.length == 2 ? new long[] {sourceShape[1], sourceShape[0]} : sourceShape.clone();
            case ROW_BLOCK -> {
                long[] s = sourceShape.clone();
                if (s.length > 0) {
                    s[0] = s[0] / parts;
                }
                yield s;
            }
        };
    }

    /** Applies the transform to row-major data of the given source shape. */
    public float[] apply(float[] data, long[] sourceShape) {
        return switch (transform) {
            case AS_IS -> data;
            case TRANSPOSE -> transpose(data, (int) sourceShape[0], (int) sourceShape[1]);
            case ROW_BLOCK -> {
                int block = data.length / parts;
                float[] out = new float[block];
                System.arraycopy(data, part * block, out, 0, block);
                yield out;
            }
        };
    }

    private static float[] transpose(float[] data, int rows, int cols) {
        float[] out = new float[data.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[c * rows + r] = data[r * cols + c];
            }
        }
        return out;
    }
}
