package io.openautoglm.core.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Activation;
import io.openautoglm.core.nn.Norm;
import io.openautoglm.core.nn.ParamBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The caption decoder: token and position embeddings, causal self-attention plus cross-attention
 * to the image tokens in each layer, a final LN, and next-token logits through the token
 * embedding (tied, as GPT-2 and BLIP's decoder do). Vocabulary and length are the text tower's.
 */
public final class CaptionDecoder extends ParamBlock {
    private final Parameter tokenEmbedding; // (V, D)
    private final Parameter positionEmbedding; // (T, D)
    private final List<FusionLayer> layers = new ArrayList<>();
    private final Norm finalNorm;
    private final int width;

    /**
     * @param vocabSize and {@code contextLength}, {@code width}, {@code activation}, {@code eps}: the text
     *     tower's, whose tokenizer the decoder writes for
     * @param imageWidth the vision tower's width Dv, what cross-attention reads
     */
    public CaptionDecoder(int vocabSize, int contextLength, int width, Activation activation, float eps, int imageWidth,
            FusionConfig fusion) {
        this.width = width;
        tokenEmbedding = param("embeddings.token_embedding.weight", Parameter.Type.WEIGHT,
                new Shape(vocabSize, width), new NormalInitializer(0.02f));
        positionEmbedding = param("embeddings.position_embedding.weight", Parameter.Type.WEIGHT,
                new Shape(contextLength, width), new NormalInitializer(0.01f));
        for (int i = 0; i < fusion.decoderLayers(); i++) {
            layers.add(child("layers." + i, new FusionLayer(width, imageWidth, fusion.heads(), fusion.mlpSize(),
                    activation, eps)));
        }
        finalNorm = child("final_layer_norm", new Norm(width, eps));
    }

    /**
     * @param ids the caption so far, start token first (B, T) int64
     * @param image image tokens (B, M, Dv)
     * @return next-token logits at every position (B, T, V)
     */
    public NDArray apply(ParameterStore store, NDArray ids, NDArray image, boolean training) {
        long t = ids.getShape().get(1);
        NDArray embeddings = value(store, tokenEmbedding, ids, training); // (V, D)
        NDArray x = Embedding.embedding(ids, embeddings, SparseFormat.DENSE).singletonOrThrow(); // (B, T, D)
        x = x.add(scoped(value(store, positionEmbedding, ids, training).get("0:" + t), ids)); // (B, T, D)
        NDArray causal = causalMask(ids.getManager(), (int) t); // (T, T)
        for (FusionLayer layer : layers) {
            x = layer.apply(store, x, image, causal, training); // (B, T, D)
        }
        x = finalNorm.apply(store, x, training); // (B, T, D)
        return x.matMul(scoped(embeddings.transpose(), ids)); // (B, T, V)
    }

    /** (T, T): 0 on and below the diagonal, a large negative number above. */
    static NDArray causalMask(NDManager manager, int t) {
        float[] mask = new float[t * t];
        for (int i = 0; i < t; i++) {
            for (int j = i + 1; j < t; j++) {
                mask[i * t + j] = -1e9f;
            }
        }
        return manager.create(mask, new Shape(t, t));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }
}
