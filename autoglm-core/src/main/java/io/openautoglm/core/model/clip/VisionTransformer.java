package io.openautoglm.core.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Encoder;
import io.openautoglm.core.nn.Norm;
import io.openautoglm.core.nn.ParamBlock;

/**
 * CLIP's image tower up to the pooled class token: patch convolution (no bias), class token,
 * positional embedding, pre-LN, pre-norm encoder, post-LN on the class token. Names follow Hugging
 * Face's {@code CLIPVisionTransformer} (including its {@code pre_layrnorm} spelling). With
 * {@code patch_stem: conv} a small convolutional stem replaces the patch convolution (ours only).
 */
public final class VisionTransformer extends ParamBlock {
    private final ClipConfig.VisionConfig config;
    private final Parameter classEmbedding; // (D)
    private final Parameter patchEmbedding; // (D, C, P, P); null with a conv stem
    private final ConvStem convStem; // null with the patch convolution
    private final Parameter positionEmbedding; // (N + 1, D)
    private final Norm preNorm;
    private final Encoder encoder;
    private final Norm postNorm;

    public VisionTransformer(ClipConfig.VisionConfig config) {
        this.config = config;
        int d = config.width();
        float std = (float) Math.pow(d, -0.5);
        classEmbedding = param("embeddings.class_embedding", Parameter.Type.WEIGHT, new Shape(d), new NormalInitializer(std));
        if (ClipConfig.VisionConfig.CONV_STEM.equals(config.patchStem())) {
            patchEmbedding = null;
            convStem = child("embeddings.conv_stem", new ConvStem(config.numChannels(), config.patchSize(), d));
        } else {
            patchEmbedding = param("embeddings.patch_embedding.weight", Parameter.Type.WEIGHT,
                    new Shape(d, config.numChannels(), config.patchSize(), config.patchSize()), new NormalInitializer(0.02f));
            convStem = null;
        }
        positionEmbedding = param("embeddings.position_embedding.weight", Parameter.Type.WEIGHT,
                new Shape(config.numPatches() + 1, d), new NormalInitializer(std));
        preNorm = child("pre_layrnorm", new Norm(d, config.layerNormEps()));
        encoder = child("encoder", new Encoder(d, config.layers(), config.heads(), config.headDim(), config.mlpSize(),
                config.activation(), config.layerNormEps()));
        postNorm = child("post_layernorm", new Norm(d, config.layerNormEps()));
    }

    /** pixels (B, C, S, S) -> pooled class token (B, D). */
    public NDArray apply(ParameterStore store, NDArray pixels, boolean training) {
        return postNorm.apply(store, encode(store, pixels, training).get(":, 0, :"), training); // (B, D)
    }

    /**
     * pixels (B, C, S, S) -> every token after the post-LN (B, N + 1, D), the class token first: what
     * the fusion encoder and the caption decoder attend to. Token 0 equals {@link #apply}'s output.
     */
    public NDArray tokens(ParameterStore store, NDArray pixels, boolean training) {
        return postNorm.apply(store, encode(store, pixels, training), training); // (B, N + 1, D)
    }

    /**
     * Inference only: the patch-embedding accessor of patch-level methods (defect inspection's
     * memory bank). pixels (B, C, S, S) -> layers + 2 arrays (B, N + 1, D), class token first, no
     * post-LN: [0] the patch embeddings alone (stem or patch convolution, before positions), [1] the
     * encoder's input (positions added, pre-LN), [k + 1] the output of encoder layer k.
     */
    public java.util.List<NDArray> hiddenStates(ParameterStore store, NDArray pixels) {
        NDArray tokens = patchEmbeddings(store, pixels, false); // (B, N + 1, D)
        java.util.List<NDArray> out = new java.util.ArrayList<>();
        out.add(tokens);
        out.addAll(encoder.states(store, positioned(store, tokens, pixels, false), null));
        return out;
    }

    /** pixels (B, C, S, S) -> the encoder's output (B, N + 1, D), before the post-LN. */
    private NDArray encode(ParameterStore store, NDArray pixels, boolean training) {
        NDArray x = positioned(store, patchEmbeddings(store, pixels, training), pixels, training); // (B, N + 1, D)
        return encoder.apply(store, x, null, training); // (B, N + 1, D)
    }

    /** pixels (B, C, S, S) -> class token and patch embeddings (B, N + 1, D), no positions yet. */
    private NDArray patchEmbeddings(ParameterStore store, NDArray pixels, boolean training) {
        long b = pixels.getShape().get(0);
        int d = config.width();
        NDArray patches = convStem != null ? convStem.apply(store, pixels, training) : patchTokens(store, pixels, training); // (B, N, D)
        NDArray cls = scoped(value(store, classEmbedding, pixels, training).reshape(1, 1, d), pixels).broadcast(b, 1, d); // (B, 1, D)
        return NDArrays.concat(new NDList(cls, patches), 1); // (B, N + 1, D)
    }

    /** tokens (B, N + 1, D) -> the encoder's input (B, N + 1, D): positions added, pre-LN. */
    private NDArray positioned(ParameterStore store, NDArray tokens, NDArray pixels, boolean training) {
        NDArray x = tokens.add(value(store, positionEmbedding, pixels, training)); // (B, N + 1, D)
        return preNorm.apply(store, x, training); // (B, N + 1, D)
    }

    /** pixels (B, C, S, S) -> patch tokens (B, N, D). */
    private NDArray patchTokens(ParameterStore store, NDArray pixels, boolean training) {
        long b = pixels.getShape().get(0);
        int d = config.width();
        int p = config.patchSize();
        // The patch "convolution" has stride = kernel, so it is a matrix product over flattened
        // patches: the same numbers (ClipParityTest), one kernel family for the whole tower.
        int c = config.numChannels();
        int g = config.imageSize() / p;
        NDArray flat = pixels.reshape(b, c, g, p, g, p).transpose(0, 2, 4, 1, 3, 5)
                .reshape(b, (long) g * g, (long) c * p * p); // (B, N, C*P*P)
        NDArray kernel = scoped(value(store, patchEmbedding, pixels, training).reshape(d, (long) c * p * p), pixels); // (D, C*P*P)
        return Linear.linear(flat, kernel).singletonOrThrow(); // (B, N, D)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}
