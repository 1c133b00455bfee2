package io.openautoglm.core.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Encoder;
import io.openautoglm.core.nn.Norm;
import io.openautoglm.core.nn.ParamBlock;
import io.openautoglm.core.nn.TextEncoder;

/**
 * CLIP's text tower up to the pooled end-of-text token: token and positional embeddings, causal
 * pre-norm encoder, final LN, pooling at the first end-of-text token (the highest token id where
 * there is none, as OpenAI's argmax does). Names follow Hugging Face's {@code CLIPTextTransformer}.
 */
public final class TextTransformer extends ParamBlock implements TextEncoder {
    private final ClipConfig.TextConfig config;
    private final Parameter tokenEmbedding; // (V, D)
    private final Parameter positionEmbedding; // (T, D)
    private final Encoder encoder;
    private final Norm finalNorm;

    public TextTransformer(ClipConfig.TextConfig config) {
        this.config = config;
        int d = config.width();
        tokenEmbedding = param("embeddings.token_embedding.weight", Parameter.Type.WEIGHT,
                new Shape(config.vocabSize(), d), new NormalInitializer(0.02f));
        positionEmbedding = param("embeddings.position_embedding.weight", Parameter.Type.WEIGHT,
                new Shape(config.contextLength(), d), new NormalInitializer(0.01f));
        encoder = child("encoder", new Encoder(d, config.layers(), config.heads(), config.headDim(), config.mlpSize(),
                config.activation(), config.layerNormEps()));
        finalNorm = child("final_layer_norm", new Norm(d, config.layerNormEps()));
    }

    /** token ids (B, T) int64, T <= context length -> pooled end-of-text state (B, D). */
    public NDArray apply(ParameterStore store, NDArray ids, boolean training) {
        return pool(tokens(store, ids, training), ids); // (B, D)
    }

    /** token ids (B, T) int64 -> every token's final state (B, T, D), after the final LN. */
    @Override
    public NDArray tokens(ParameterStore store, NDArray ids, boolean training) {
        long t = ids.getShape().get(1);
        NDArray x = Embedding.embedding(ids, value(store, tokenEmbedding, ids, training), SparseFormat.DENSE)
                .singletonOrThrow(); // (B, T, D)
        x = x.add(scoped(value(store, positionEmbedding, ids, training).get("0:" + t), ids)); // (B, T, D)
        x = encoder.apply(store, x, causalMask(ids.getManager(), (int) t), training); // (B, T, D)
        return finalNorm.apply(store, x, training); // (B, T, D)
    }

    /** token states (B, T, D), ids (B, T) -> the state at each row's end-of-text token (B, D). */
    @Override
    public NDArray pool(ParameterStore store, NDArray states, NDArray ids, boolean training) {
        return pool(states, ids);
    }

    /** As {@link #pool(ParameterStore, NDArray, NDArray, boolean)}: the end-of-text pooling has no weights. */
    public NDArray pool(NDArray states, NDArray ids) {
        long b = ids.getShape().get(0);
        long t = ids.getShape().get(1);
        NDArray flatIndex = poolPositions(ids).add(ids.getManager().arange(0L, b * t, t)); // (B)
        return states.reshape(b * t, config.width()).get(flatIndex); // (B, D)
    }

    /**
     * (B, 1, 1, T) additive mask for attention that looks both ways: 0 up to each row's end-of-text
     * token, a large negative number on the padding after it.
     */
    @Override
    public NDArray paddingMask(NDArray ids) {
        long t = ids.getShape().get(1);
        NDArray positions = ids.getManager().arange(0L, t, 1L).reshape(1, t); // (1, T)
        NDArray after = positions.gt(poolPositions(ids).reshape(-1, 1)); // (B, T)
        return after.toType(DataType.FLOAT32, false).mul(ids.getManager().create(-1e9f)).reshape(-1, 1, 1, t); // (B, 1, 1, T)
    }

    /** Position of the first end-of-text token per row; argmax of the ids where there is none. */
    private NDArray poolPositions(NDArray ids) { // (B, T) -> (B) int64
        NDArray isEos = ids.eq(config.eosId()).toType(DataType.INT32, false); // (B, T)
        NDArray hasEos = isEos.sum(new int[] {1}).gt(0); // (B)
        return NDArrays.where(hasEos, isEos.argMax(1), ids.argMax(1)).toType(DataType.INT64, false); // (B)
    }

    /** (T, T): 0 on and below the diagonal, -inf above, so a token sees only its past. */
    static NDArray causalMask(NDManager manager, int t) {
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(t, t));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}
