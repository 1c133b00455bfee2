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
import io.openautoglm.core.model.bert.BertTextTransformer;
import io.openautoglm.core.model.fusion.AnswerHead;
import io.openautoglm.core.model.fusion.CaptionDecoder;
import io.openautoglm.core.model.fusion.FusionConfig;
import io.openautoglm.core.model.fusion.FusionEncoder;
import io.openautoglm.core.nn.Dense;
import io.openautoglm.core.nn.ParamBlock;
import io.openautoglm.core.nn.TextEncoder;
import java.util.Map;

/**
 * The dual encoder: both towers, their projections into the shared space, and the learned logit
 * scale. Parameter names are Hugging Face {@code CLIPModel} state-dict keys; that is also our own
 * checkpoint layout.
 */
public final class ClipModel extends ParamBlock {
    private final ClipConfig config;
    private final VisionTransformer vision;
    private final TextEncoder text; // CLIP's causal transformer or a BERT tower
    private final Parameter visualProjection; // (P, Dv)
    private final Parameter textProjection; // (P, Dt)
    private final Parameter logitScale; // () log of the inverse temperature
    private final FusionEncoder fusionEncoder; // the heads below are null without a fusion config
    private final Dense matchHead; // (2, Dt): no match, match
    private final AnswerHead answerHead;
    private final CaptionDecoder captionDecoder;
    private final Dense imageTagHead; // (K, P), null without image tags

    public ClipModel(ClipConfig config) {
        this.config = config;
        vision = child("vision_model", new VisionTransformer(config.vision()));
        text = config.text().isBert()
                ? child("text_model", new BertTextTransformer(config.text().bertConfig()))
                : child("text_model", new TextTransformer(config.text()));
        visualProjection = param("visual_projection.weight", Parameter.Type.WEIGHT,
                new Shape(config.projectionDim(), config.vision().width()),
                new NormalInitializer((float) Math.pow(config.vision().width(), -0.5)));
        textProjection = param("text_projection.weight", Parameter.Type.WEIGHT,
                new Shape(config.projectionDim(), config.text().width()),
                new NormalInitializer((float) Math.pow(config.text().width(), -0.5)));
        logitScale = param("logit_scale", Parameter.Type.OTHER, new Shape(), new ConstantInitializer(config.logitScaleInit()));
        FusionConfig fusion = config.fusion();
        if (fusion == null) {
            fusionEncoder = null;
            matchHead = null;
            answerHead = null;
            captionDecoder = null;
        } else {
            int dt = config.text().width();
            int dv = config.vision().width();
            fusionEncoder = child("fusion_encoder", new FusionEncoder(config.text().width(), config.text().activation(),
                    config.text().layerNormEps(), dv, fusion));
            matchHead = child("itm_head", new Dense(dt, 2, true, 0.02f));
            answerHead = child("answer_head", new AnswerHead(dt, fusion.answers().size(), config.text().layerNormEps()));
            captionDecoder = child("text_decoder", new CaptionDecoder(config.text().vocabSize(), config.text().contextLength(),
                    config.text().width(), config.text().activation(), config.text().layerNormEps(), dv, fusion));
        }
        imageTagHead = config.imageTags().isEmpty() ? null : child("image_tag_head",
                new Dense(config.projectionDim(), config.imageTags().size(), true, (float) Math.pow(config.projectionDim(), -0.5)));
    }

    /** Whether this model has the fusion encoder, matching and answer heads and the caption decoder. */
    public boolean hasFusion() {
        return fusionEncoder != null;
    }

    public ClipConfig config() {
        return config;
    }

    /**
     * Parameter counts by the key prefixes this class names: the vision tower, the text tower, the
     * fusion heads (encoder, matching, answers, caption decoder), and the rest (projections, logit
     * scale, tag head), with the total.
     */
    public Map<String, Long> parameterCounts() {
        long vision = 0;
        long text = 0;
        long other = 0;
        long fusion = 0;
        for (Map.Entry<String, Parameter> e : namedParameters().entrySet()) {
            long n = e.getValue().getShape().size();
            String key = e.getKey();
            if (key.startsWith("fusion_encoder.") || key.startsWith("itm_head.") || key.startsWith("answer_head.")
                    || key.startsWith("text_decoder.")) {
                fusion += n;
            } else if (key.startsWith("vision_model.")) {
                vision += n;
            } else if (key.startsWith("text_model.")) {
                text += n;
            } else {
                other += n;
            }
        }
        return Map.of("vision", vision, "text", text, "projections", other, "fusion", fusion,
                "total", vision + text + other + fusion);
    }

    /** pixels (B, C, S, S) -> image embeddings (B, P), not normalized. */
    public NDArray encodeImage(ParameterStore store, NDArray pixels, boolean training) {
        NDArray pooled = vision.apply(store, pixels, training); // (B, Dv)
        return Linear.linear(pooled, value(store, visualProjection, pixels, training)).singletonOrThrow(); // (B, P)
    }

    /** token ids (B, T) int64 -> text embeddings (B, P), not normalized. */
    public NDArray encodeText(ParameterStore store, NDArray ids, boolean training) {
        NDArray pooled = text.pool(store, text.tokens(store, ids, training), ids, training); // (B, Dt)
        return Linear.linear(pooled, value(store, textProjection, ids, training)).singletonOrThrow(); // (B, P)
    }

    /** pixels (B, C, S, S) -> image tokens (B, N + 1, Dv), class token first. */
    public NDArray imageTokens(ParameterStore store, NDArray pixels, boolean training) {
        return vision.tokens(store, pixels, training); // (B, N + 1, Dv)
    }

    /** Inference only: pixels (B, C, S, S) -> {@link VisionTransformer#hiddenStates}: patch embeddings, encoder input, each layer's output. */
    public java.util.List<NDArray> imageHiddenStates(ParameterStore store, NDArray pixels) {
        return vision.hiddenStates(store, pixels);
    }

    /** image tokens (B, N + 1, Dv) -> image embeddings (B, P), as {@link #encodeImage}. */
    public NDArray projectImage(ParameterStore store, NDArray imageTokens, boolean training) {
        return Linear.linear(imageTokens.get(":, 0, :"), value(store, visualProjection, imageTokens, training)).singletonOrThrow(); // (B, P)
    }

    /**
     * FILIP's picture side: image tokens (B, N + 1, Dv) from {@link #imageTokens} (after the
     * post-LN) -> every patch through the visual projection (B, N, P), the class token left out;
     * not normalized.
     */
    public NDArray projectPatches(ParameterStore store, NDArray imageTokens, boolean training) {
        return Linear.linear(imageTokens.get(":, 1:, :"), value(store, visualProjection, imageTokens, training)).singletonOrThrow(); // (B, N, P)
    }

    /**
     * FILIP's text side: text token states (B, T, Dt) from {@link #textTokens} (after the final
     * LN) -> every token through the text projection (B, T, P); not normalized, padding included
     * (see {@link FilipSimilarity#tokenMask}).
     */
    public NDArray projectTokens(ParameterStore store, NDArray textTokens, boolean training) {
        return Linear.linear(textTokens, value(store, textProjection, textTokens, training)).singletonOrThrow(); // (B, T, P)
    }

    /** token ids (B, T) -> text token states (B, T, Dt). */
    public NDArray textTokens(ParameterStore store, NDArray ids, boolean training) {
        return text.tokens(store, ids, training); // (B, T, Dt)
    }

    /** text token states (B, T, Dt), ids (B, T) -> text embeddings (B, P), as {@link #encodeText}. */
    public NDArray projectText(ParameterStore store, NDArray textTokens, NDArray ids, boolean training) {
        return Linear.linear(text.pool(store, textTokens, ids, training), value(store, textProjection, ids, training)).singletonOrThrow(); // (B, P)
    }

    /**
     * The fusion encoder's state of each (text, image) pair.
     *
     * @param textTokens (B, T, Dt) from {@link #textTokens}
     * @param ids (B, T) the same texts' ids (for the padding mask)
     * @param imageTokens (B, N + 1, Dv) from {@link #imageTokens}
     * @return the fused state at each text's end token (B, Dt)
     */
    public NDArray fuse(ParameterStore store, NDArray textTokens, NDArray ids, NDArray imageTokens, boolean training) {
        requireFusion();
        NDArray fused = fusionEncoder.apply(store, textTokens, text.paddingMask(ids), imageTokens, training); // (B, T, Dt)
        return text.pool(store, fused, ids, training); // (B, Dt)
    }

    /**
     * As {@link #fuse}, also returning where each text token looks in the picture in the first
     * fusion layer (cross-attention weights averaged over heads).
     *
     * @return the fused state at each text's end token (B, Dt), and the weights (B, T, M) over the image tokens
     */
    public NDList fuseWithAttention(ParameterStore store, NDArray textTokens, NDArray ids, NDArray imageTokens, boolean training) {
        requireFusion();
        NDList fused = fusionEncoder.applyWithFirstCrossWeights(store, textTokens, text.paddingMask(ids), imageTokens, training);
        return new NDList(text.pool(store, fused.get(0), ids, training), fused.get(1)); // (B, Dt), (B, T, M)
    }

    /** pair states (B, Dt) -> matching logits (B, 2): [no match, match]. */
    public NDArray matchLogits(ParameterStore store, NDArray pairs, boolean training) {
        requireFusion();
        return matchHead.apply(store, pairs, training); // (B, 2)
    }

    /**
     * image embeddings (B, P), not normalized -> one logit per {@link ClipConfig#imageTags() tag} (B, K):
     * whether the picture shows it (a sigmoid each, not a softmax: a picture has several).
     */
    public NDArray imageTagLogits(ParameterStore store, NDArray imageEmbeds, boolean training) {
        if (imageTagHead == null) {
            throw new io.openautoglm.core.UserInputException("this model has no image-tag head (config image_tags is empty)");
        }
        return imageTagHead.apply(store, imageEmbeds, training); // (B, K)
    }

    /** pair states (B, Dt) of (question, image) -> answer logits (B, A). */
    public NDArray answerLogits(ParameterStore store, NDArray pairs, boolean training) {
        requireFusion();
        return answerHead.apply(store, pairs, training); // (B, A)
    }

    /** caption so far (B, T) int64, start token first, image tokens (B, N + 1, Dv) -> next-token logits (B, T, V). */
    public NDArray captionLogits(ParameterStore store, NDArray ids, NDArray imageTokens, boolean training) {
        requireFusion();
        return captionDecoder.apply(store, ids, imageTokens, training); // (B, T, V)
    }

    private void requireFusion() {
        if (fusionEncoder == null) {
            throw new io.openautoglm.core.UserInputException("this model has no fusion heads (matching, question answering, "
                    + "captioning): use a model trained with them, such as models/autoglm-shapes-tiny-fusion");
        }
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
