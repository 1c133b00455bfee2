package io.openautoglm.core.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.nn.ParamBlock;

/**
 * Explicit 2D positions for the image tokens the fusion encoder reads: each grid token gets fixed
 * features of its centre (x, y in [0, 1]: the offsets x - 1/2 and y - 1/2, and sine and cosine at
 * {@value #FREQUENCIES} frequencies of each), mapped to the token width by a learned matrix and
 * added; the class token gets none. A picture tower trained for retrieval keeps little of where
 * things are in its top tokens, and questions about relations ("is the red circle left of the blue
 * square?") need exactly that. The matrix starts at zero, so adding these to a trained model
 * changes nothing until training moves it.
 */
public final class ImagePositions extends ParamBlock {
    static final int FREQUENCIES = 4;
    /** Features per token: two offsets, then sine and cosine of x and y per frequency. */
    public static final int FEATURES = 2 + 4 * FREQUENCIES;

    private final Parameter weight; // (Dv, F)

    public ImagePositions(int imageWidth) {
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(imageWidth, FEATURES), new ConstantInitializer(0f));
    }

    /** image tokens (B, 1 + G*G, Dv), class token first, grid row by row -> the same with positions added. */
    public NDArray apply(ParameterStore store, NDArray image, boolean training) {
        long tokens = image.getShape().get(1);
        float[] features = features(tokens);
        NDArray f = image.getManager().create(features, new Shape(tokens, FEATURES)); // (M, F)
        NDArray w = value(store, weight, image, training); // (Dv, F)
        return image.add(f.matMul(w.transpose())); // (B, M, Dv) + (M, Dv)
    }

    private static final java.util.Map<Long, float[]> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The fixed features of a class token and a square grid, (M, F) row-major; the class token's row
     * is zero. Computed once per token count (every forward asks); callers must not modify them.
     */
    static float[] features(long tokens) {
        float[] cached = CACHE.get(tokens);
        if (cached == null) {
            cached = computeFeatures(tokens); // may throw: nothing is cached for a bad count
            CACHE.putIfAbsent(tokens, cached);
        }
        return cached;
    }

    private static float[] computeFeatures(long tokens) {
        int grid = (int) Math.round(Math.sqrt(tokens - 1));
        if ((long) grid * grid + 1 != tokens) {
            throw new UserInputException("image position features need a class token and a square grid of tokens, got " + tokens + " tokens");
        }
        float[] out = new float[(int) tokens * FEATURES];
        for (int r = 0; r < grid; r++) {
            for (int c = 0; c < grid; c++) {
                int o = (1 + r * grid + c) * FEATURES;
                double x = (c + 0.5) / grid;
                double y = (r + 0.5) / grid;
                out[o] = (float) (x - 0.5);
                out[o + 1] = (float) (y - 0.5);
                for (int k = 0; k < FREQUENCIES; k++) {
                    double w = Math.PI * (1 << k);
                    out[o + 2 + 4 * k] = (float) Math.sin(w * x);
                    out[o + 3 + 4 * k] = (float) Math.cos(w * x);
                    out[o + 4 + 4 * k] = (float) Math.sin(w * y);
                    out[o + 5 + 4 * k] = (float) Math.cos(w * y);
                }
            }
        }
        return out;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}
