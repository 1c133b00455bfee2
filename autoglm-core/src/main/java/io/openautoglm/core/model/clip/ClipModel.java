package io.openautoglm.core.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.ParamBlock;

/**
 * The dual encoder: both towers, their projections into the shared space, and the learned logit
 * scale. Parameter names are Hugging Face {@code CLIPModel} state-dict keys; that is also our own
 * checkpoint layout.
 */
public final class ClipModel extends ParamBlock {
    private final ClipConfig config;
    private final VisionTransformer vision;
    private final TextTransformer text;
    private final Parameter visualProjection; // (P, Dv)
    private final Parameter textProjection; // (P, Dt)
    private final Parameter logitScale; // () log of the inverse temperature

    public ClipModel(ClipConfig config) {
        this.config = config;
        vision = child("vision_model", new VisionTransformer(config.vision()));
        text = child("text_model", new TextTransformer(config.text()));
        visualProjection = param("visual_projection.weight", Parameter.Type.WEIGHT,
                new Shape(config.projectionDim(), config.vision().width()),
                new NormalInitializer((float) Math.pow(config.vision().width(), -0.5)));
        textProjection = param("text_projection.weight", Parameter.Type.WEIGHT,
                new Shape(config.projectionDim(), config.text().width()),
                new NormalInitializer((float) Math.pow(config.text().width(), -0.5)));
        logitScale = param("logit_scale", Parameter.Type.OTHER, new Shape(), new ConstantInitializer(config.logitScaleInit()));
    }

    public ClipConfig config() {
        return config;
    }

    /** pixels (B, C, S, S) -> image embeddings (B, P), not normalized. */
    public NDArray encodeImage(ParameterStore store, NDArray pixels, boolean training) {
        NDArray pooled = vision.apply(store, pixels, training); // (B, Dv)
        return Linear.linear(pooled, value(store, visualProjection, pixels, training)).singletonOrThrow(); // (B, P)
    }

    /** token ids (B, T) int64 -> text embeddings (B, P), not normalized. */
    public NDArray encodeText(ParameterStore store, NDArray ids, boolean training) {
        NDArray pooled = text.apply(store, ids, training); // (B, Dt)
        return Linear.linear(pooled, value(store, textProjection, ids, training)).singletonOrThrow(); // (B, P)
    }

    /** The learned log inverse temperature, a scalar: the parameter itself (do not free it). */
    public NDArray logitScale(ParameterStore store, NDArray like, boolean training) {
        return value(store, logitScale, like, training); // ()
    }

    /** exp(logit_scale), owned by the manager of {@code like}. */
    public NDArray logitFactor(ParameterStore store, NDArray like, boolean training) {
        return scoped(logitScale(store, like, training).exp(), like); // ()
    }

    /**
     * Image-to-text logits: exp(logit_scale) * cos(image, text).
     *
     * @param imageEmbeds (B, P), normalized or not
     * @param textEmbeds (N, P), normalized or not
     * @return (B, N); its transpose is the text-to-image logits
     */
    public NDArray logitsPerImage(ParameterStore store, NDArray imageEmbeds, NDArray textEmbeds, boolean training) {
        NDArray scale = logitFactor(store, imageEmbeds, training); // ()
        return l2Normalize(imageEmbeds).matMul(l2Normalize(textEmbeds).transpose()).mul(scale); // (B, N)
    }

    /** Rows scaled to unit length. (B, P) -> (B, P) */
    public static NDArray l2Normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true));
    }

    /** inputs: pixels (B, C, S, S), ids (B, T); outputs: image embeds (B, P), text embeds (B, P), logit scale (). */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray images = encodeImage(store, inputs.get(0), training);
        NDArray texts = encodeText(store, inputs.get(1), training);
        return new NDList(images, texts, logitScale(store, images, training));
    }
}
