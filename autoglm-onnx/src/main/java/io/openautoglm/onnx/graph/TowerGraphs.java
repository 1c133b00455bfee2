package io.openautoglm.onnx.graph;

import static io.openautoglm.onnx.graph.GraphBuilder.attr;
import static io.openautoglm.onnx.graph.GraphBuilder.attrInts;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.nn.Activation;
import java.util.List;

/**
 * Our CLIP towers as ONNX, op for op the DJL forward of {@code core.model.clip}: the image tower
 * (patch product or convolutional stem, class token, positions, pre-LN, encoder, post-LN on the class
 * token, projection) and the text tower (token and position embeddings, causal encoder, final LN,
 * pooling at the first end-of-text token, else at the highest id, projection). The batch axis is
 * dynamic, and so is the text length (up to the context length). Every weight product is a MatMul
 * with an initializer (in, out): the form an int8 pass rewrites. Attention runs one fused q/k/v
 * product with the 1/sqrt(head dim) scale folded into q's weights.
 */
public final class TowerGraphs {
    /** Graph input and output names; Hugging Face Optimum uses the same ones. */
    public static final String PIXELS = "pixel_values";
    public static final String IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String IMAGE_EMBEDS = "image_embeds";
    public static final String TEXT_EMBEDS = "text_embeds";
    public static final String LAST_HIDDEN = "last_hidden_state";
    public static final String BATCH = "batch_size";
    public static final String SEQUENCE = "sequence_length";

    private final ClipConfig config;
    private final TowerWeights weights;

    public TowerGraphs(ClipConfig config, TowerWeights weights) {
        this.config = config;
        this.weights = weights;
    }

    /** pixel_values (B, 3, S, S) -> image_embeds (B, P), not normalized; Optimum's extra output last_hidden_state when asked. */
    public void imageGraph(GraphBuilder g, boolean withLastHidden) {
        ClipConfig.VisionConfig v = config.vision();
        String pixels = g.input(PIXELS, DataType.FLOAT, BATCH, (long) v.numChannels(), (long) v.imageSize(), (long) v.imageSize());
        String[] out = imageTower(g, pixels);
        g.output(IMAGE_EMBEDS, out[0], DataType.FLOAT, BATCH, (long) config.projectionDim());
        if (withLastHidden) {
            g.output(LAST_HIDDEN, out[1], DataType.FLOAT, BATCH, (long) v.numPatches() + 1, (long) v.width());
        }
    }

    /**
     * input_ids (B, T) int64 -> text_embeds (B, P), not normalized. With {@code optimumInputs} the graph
     * also takes attention_mask (B, T) (1 up to the end token, 0 on padding, as Hugging Face's CLIP) and
     * returns last_hidden_state (B, T, D).
     */
    public void textGraph(GraphBuilder g, boolean optimumInputs) {
        ClipConfig.TextConfig t = config.text();
        String ids = g.input(IDS, DataType.INT64, BATCH, SEQUENCE);
        String mask = optimumInputs ? g.input(ATTENTION_MASK, DataType.INT64, BATCH, SEQUENCE) : null;
        String[] out = textTower(g, ids, mask);
        g.output(TEXT_EMBEDS, out[0], DataType.FLOAT, BATCH, (long) config.projectionDim());
        if (optimumInputs) {
            g.output(LAST_HIDDEN, out[1], DataType.FLOAT, BATCH, SEQUENCE, (long) t.width());
        }
    }

    /**
     * Hugging Face Optimum's single CLIP graph: input_ids, pixel_values, attention_mask -> logits_per_image
     * (Bi, Bt), logits_per_text (Bt, Bi), text_embeds and image_embeds (L2-normalized, as CLIPModel returns them).
     */
    public void combinedGraph(GraphBuilder g, float logitScaleLog) {
        ClipConfig.VisionConfig v = config.vision();
        String ids = g.input(IDS, DataType.INT64, "text_batch_size", SEQUENCE);
        String pixels = g.input(PIXELS, DataType.FLOAT, "image_batch_size", (long) v.numChannels(), (long) v.imageSize(),
                (long) v.imageSize());
        String mask = g.input(ATTENTION_MASK, DataType.INT64, "text_batch_size", SEQUENCE);
        String text = l2Normalize(g, textTower(g, ids, mask)[0]); // (Bt, P)
        String image = l2Normalize(g, imageTower(g, pixels)[0]); // (Bi, P)
        String scale = g.weight("logit_scale", new float[] {logitScaleLog}); // () log of the inverse temperature
        String factor = g.node("Exp", "logit_factor", List.of(scale)); // ()
        String imageT = g.node("Transpose", "image_t", List.of(image), attrInts("perm", 1, 0)); // (P, Bi)
        String perText = g.node("Mul", "logits_per_text", List.of(g.node("MatMul", "cos", List.of(text, imageT)), factor)); // (Bt, Bi)
        String perImage = g.node("Transpose", "logits_per_image", List.of(perText), attrInts("perm", 1, 0)); // (Bi, Bt)
        g.output("logits_per_image", perImage, DataType.FLOAT, "image_batch_size", "text_batch_size");
        g.output("logits_per_text", perText, DataType.FLOAT, "text_batch_size", "image_batch_size");
        g.output(TEXT_EMBEDS, text, DataType.FLOAT, "text_batch_size", (long) config.projectionDim());
        g.output(IMAGE_EMBEDS, image, DataType.FLOAT, "image_batch_size", (long) config.projectionDim());
    }

    // ---- image tower ----------------------------------------------------------------------------

    /** pixels (B, C, S, S) -> {image embeds (B, P), encoder output (B, N + 1, D)}. */
    private String[] imageTower(GraphBuilder g, String pixels) {
        ClipConfig.VisionConfig v = config.vision();
        int d = v.width();
        String p = "vision_model.";
        String patches = ClipConfig.VisionConfig.CONV_STEM.equals(v.patchStem())
                ? convStem(g, pixels) : patchProduct(g, pixels); // (B, N, D)
        String cls = g.weight(p + "embeddings.class_embedding", weights.get(p + "embeddings.class_embedding").data(), 1, 1, d); // (1, 1, D)
        String batch = g.node("Shape", "batch", List.of(pixels), attr("start", 0L), attr("end", 1L)); // (1) = [B]
        String clsShape = g.node("Concat", "cls_shape", List.of(batch, g.longs("one_d", false, 1, d)), attr("axis", 0L)); // [B, 1, D]
        String clsRows = g.node("Expand", "cls", List.of(cls, clsShape)); // (B, 1, D)
        String x = g.node("Concat", "tokens", List.of(clsRows, patches), attr("axis", 1L)); // (B, N + 1, D)
        TowerWeights.Tensor pos = weights.get(p + "embeddings.position_embedding.weight"); // (N + 1, D)
        x = g.node("Add", "positioned", List.of(x, g.weight(p + "embeddings.position_embedding.weight", pos.data(), pos.shape()))); // (B, N + 1, D)
        x = layerNorm(g, x, p + "pre_layrnorm", v.layerNormEps()); // (B, N + 1, D)
        for (int i = 0; i < v.layers(); i++) {
            x = encoderLayer(g, x, p + "encoder.layers." + i + ".", d, v.heads(), v.headDim(), v.activation(), v.layerNormEps(), null); // (B, N + 1, D)
        }
        String pooled = g.node("Gather", "class_token", List.of(x, g.longs("zero", true, 0)), attr("axis", 1L)); // (B, D)
        pooled = layerNorm(g, pooled, p + "post_layernorm", v.layerNormEps()); // (B, D)
        String embeds = projection(g, pooled, "visual_projection.weight"); // (B, P)
        return new String[] {embeds, x};
    }

    /** pixels (B, C, S, S) -> patch tokens (B, N, D): the stride-equals-kernel convolution as one product over flattened patches. */
    private String patchProduct(GraphBuilder g, String pixels) {
        ClipConfig.VisionConfig v = config.vision();
        int c = v.numChannels();
        int p = v.patchSize();
        int grid = v.imageSize() / p;
        int d = v.width();
        String split = g.node("Reshape", "patch_split", List.of(pixels, g.longs("patch_split_shape", false, -1, c, grid, p, grid, p))); // (B, C, g, P, g, P)
        String order = g.node("Transpose", "patch_order", List.of(split), attrInts("perm", 0, 2, 4, 1, 3, 5)); // (B, g, g, C, P, P)
        String flat = g.node("Reshape", "patch_flat", List.of(order,
                g.longs("patch_flat_shape", false, -1, (long) grid * grid, (long) c * p * p))); // (B, N, C*P*P)
        float[] kernel = weights.get("vision_model.embeddings.patch_embedding.weight").data(); // (D, C, P, P) = (D, C*P*P)
        String w = g.weight("vision_model.embeddings.patch_embedding.weight_t", TowerWeights.transpose(kernel, d, c * p * p),
                (long) c * p * p, d); // (C*P*P, D)
        return g.node("MatMul", "patch_tokens", List.of(flat, w)); // (B, N, D)
    }

    /** pixels (B, C, S, S) -> tokens (B, N, D) through {@code ConvStem}: 3x3 stride-2 convolutions with ReLU, then a linear map. */
    private String convStem(GraphBuilder g, String pixels) {
        ClipConfig.VisionConfig v = config.vision();
        String p = "vision_model.embeddings.conv_stem.";
        int stages = Integer.numberOfTrailingZeros(v.patchSize());
        String x = pixels;
        long channels = v.numChannels();
        for (int i = 0; i < stages; i++) {
            TowerWeights.Tensor w = weights.get(p + i + ".weight"); // (C_i, C_{i-1}, 3, 3)
            TowerWeights.Tensor b = weights.get(p + i + ".bias"); // (C_i)
            x = g.node("Conv", "stem_conv" + i, List.of(x, g.weight(p + i + ".weight", w.data(), w.shape()),
                    g.weight(p + i + ".bias", b.data(), b.shape())), attrInts("kernel_shape", 3, 3), attrInts("strides", 2, 2),
                    attrInts("pads", 1, 1, 1, 1)); // (B, C_i, S/2^(i+1), S/2^(i+1))
            x = g.node("Relu", "stem_relu" + i, List.of(x));
            channels = w.shape()[0];
        }
        int grid = v.imageSize() / v.patchSize();
        String last = g.node("Transpose", "stem_channels_last", List.of(x), attrInts("perm", 0, 2, 3, 1)); // (B, g, g, C_last)
        String tokens = g.node("Reshape", "stem_tokens", List.of(last, g.longs("stem_shape", false, -1, (long) grid * grid, channels))); // (B, N, C_last)
        return linear(g, tokens, p + "proj"); // (B, N, D)
    }

    // ---- text tower -----------------------------------------------------------------------------

    /** ids (B, T) int64, attention mask (B, T) or null -> {text embeds (B, P), final states (B, T, D)}. */
    private String[] textTower(GraphBuilder g, String ids, String attentionMask) {
        ClipConfig.TextConfig t = config.text();
        String p = "text_model.";
        TowerWeights.Tensor tokens = weights.get(p + "embeddings.token_embedding.weight"); // (V, D)
        String x = g.node("Gather", "token_embeds", List.of(g.weight(p + "embeddings.token_embedding.weight", tokens.data(),
                tokens.shape()), ids), attr("axis", 0L)); // (B, T, D)
        String length = g.node("Shape", "length", List.of(ids), attr("start", 1L), attr("end", 2L)); // (1) = [T]
        TowerWeights.Tensor pos = weights.get(p + "embeddings.position_embedding.weight"); // (Tmax, D)
        String positions = g.node("Slice", "positions", List.of(g.weight(p + "embeddings.position_embedding.weight", pos.data(),
                pos.shape()), g.longs("start0", false, 0), length, g.longs("axis0", false, 0))); // (T, D)
        x = g.node("Add", "positioned", List.of(x, positions)); // (B, T, D)
        String mask = causalMask(g, length, attentionMask); // (T, T) or (B, 1, T, T)
        for (int i = 0; i < t.layers(); i++) {
            x = encoderLayer(g, x, p + "encoder.layers." + i + ".", t.width(), t.heads(), t.headDim(), t.activation(), t.layerNormEps(), mask); // (B, T, D)
        }
        x = layerNorm(g, x, p + "final_layer_norm", t.layerNormEps()); // (B, T, D)
        String pooled = poolAtEndToken(g, x, ids); // (B, D)
        return new String[] {projection(g, pooled, "text_projection.weight"), x};
    }

    /** (T, T) additive mask, 0 on and below the diagonal, -inf above; plus -1e9 on padded keys when a mask is given: (B, 1, T, T). */
    private String causalMask(GraphBuilder g, String length, String attentionMask) {
        int tMax = config.text().contextLength();
        float[] causal = new float[tMax * tMax];
        for (int i = 0; i < tMax; i++) {
            for (int j = i + 1; j < tMax; j++) {
                causal[i * tMax + j] = Float.NEGATIVE_INFINITY;
            }
        }
        String full = g.weight("text_model.causal_mask", causal, tMax, tMax); // (Tmax, Tmax)
        String ends = g.node("Concat", "mask_ends", List.of(length, length), attr("axis", 0L)); // [T, T]
        String mask = g.node("Slice", "causal", List.of(full, g.longs("start00", false, 0, 0), ends, g.longs("axes01", false, 0, 1))); // (T, T)
        if (attentionMask == null) {
            return mask;
        }
        String keep = g.node("Cast", "keep", List.of(attentionMask), attr("to", (long) DataType.FLOAT.getNumber())); // (B, T)
        String dropped = g.node("Sub", "dropped", List.of(g.scalar("one", 1f), keep)); // (B, T)
        String padding = g.node("Mul", "padding", List.of(dropped, g.scalar("minus_big", -1e9f))); // (B, T)
        String keys = g.node("Unsqueeze", "padding_keys", List.of(padding, g.longs("axes12", false, 1, 2))); // (B, 1, 1, T)
        return g.node("Add", "attention_mask_additive", List.of(mask, keys)); // (B, 1, T, T)
    }

    /** states (B, T, D), ids (B, T) -> the state at each row's first end-of-text token, else at its highest id (B, D). */
    private String poolAtEndToken(GraphBuilder g, String states, String ids) {
        String ids32 = g.node("Cast", "ids32", List.of(ids), attr("to", (long) DataType.INT32.getNumber())); // (B, T)
        String isEnd = g.node("Equal", "is_end", List.of(ids32, g.int32Scalar("eos", config.text().eosId()))); // (B, T) bool
        // An end token outranks every id; ArgMax takes the first of equal values, so this is the first end token,
        // and the first highest id where there is none (OpenAI's argmax).
        String key = g.node("Where", "pool_key", List.of(isEnd, g.int32Scalar("above_vocab", 1 << 30), ids32)); // (B, T)
        String position = g.node("ArgMax", "pool_position", List.of(key), attr("axis", 1L), attr("keepdims", 1L)); // (B, 1) int64
        return g.node("GatherND", "pooled", List.of(states, position), attr("batch_dims", 1L)); // (B, D)
    }

    // ---- blocks ---------------------------------------------------------------------------------

    /** Pre-norm residual block: x + attn(ln1(x)), then x + mlp(ln2(x)). x (B, T, D) -> (B, T, D). */
    private String encoderLayer(GraphBuilder g, String x, String p, int width, int heads, int headDim, Activation activation,
            float eps, String mask) {
        String h = layerNorm(g, x, p + "layer_norm1", eps); // (B, T, D)
        x = g.node("Add", "attn_residual", List.of(x, attention(g, h, p + "self_attn.", width, heads, headDim, mask))); // (B, T, D)
        h = layerNorm(g, x, p + "layer_norm2", eps); // (B, T, D)
        String m = linear(g, h, p + "mlp.fc1"); // (B, T, M)
        m = activate(g, m, activation); // (B, T, M)
        m = linear(g, m, p + "mlp.fc2"); // (B, T, D)
        return g.node("Add", "mlp_residual", List.of(x, m)); // (B, T, D)
    }

    /**
     * Multi-head self-attention; the heads span H * Dh, which is D except in a head-pruned model.
     * h (B, T, D), additive mask or null -> (B, T, D).
     */
    private String attention(GraphBuilder g, String h, String p, int width, int heads, int headDim, String mask) {
        int inner = heads * headDim;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        float[] w = new float[3 * inner * width]; // (3I, D): q (scaled), k, v stacked as nn.Linear weights
        float[] b = new float[3 * inner]; // (3I)
        String[] parts = {"q_proj", "k_proj", "v_proj"};
        for (int i = 0; i < 3; i++) {
            float factor = i == 0 ? scale : 1f;
            float[] wi = weights.get(p + parts[i] + ".weight").data(); // (I, D)
            float[] bi = weights.get(p + parts[i] + ".bias").data(); // (I)
            for (int k = 0; k < wi.length; k++) {
                w[i * inner * width + k] = wi[k] * factor;
            }
            for (int k = 0; k < bi.length; k++) {
                b[i * inner + k] = bi[k] * factor;
            }
        }
        String qkvW = g.weight(p + "qkv_proj.weight_t", TowerWeights.transpose(w, 3 * inner, width), width, 3L * inner); // (D, 3I)
        String qkvB = g.weight(p + "qkv_proj.bias", b, 3L * inner); // (3I)
        String qkv = g.node("Add", "qkv", List.of(g.node("MatMul", "qkv_product", List.of(h, qkvW)), qkvB)); // (B, T, 3I)
        String split = g.node("Reshape", "qkv_heads", List.of(qkv, g.longs("qkv_shape", false, 0, 0, 3, heads, headDim))); // (B, T, 3, H, Dh)
        String byPart = g.node("Transpose", "qkv_parts", List.of(split), attrInts("perm", 2, 0, 3, 1, 4)); // (3, B, H, T, Dh)
        String q = g.node("Gather", "q", List.of(byPart, g.longs("q_index", true, 0)), attr("axis", 0L)); // (B, H, T, Dh)
        String k = g.node("Gather", "k", List.of(byPart, g.longs("k_index", true, 1)), attr("axis", 0L)); // (B, H, T, Dh)
        String v = g.node("Gather", "v", List.of(byPart, g.longs("v_index", true, 2)), attr("axis", 0L)); // (B, H, T, Dh)
        String kT = g.node("Transpose", "k_t", List.of(k), attrInts("perm", 0, 1, 3, 2)); // (B, H, Dh, T)
        String scores = g.node("MatMul", "scores", List.of(q, kT)); // (B, H, T, T)
        if (mask != null) {
            scores = g.node("Add", "masked_scores", List.of(scores, mask)); // (B, H, T, T)
        }
        String weightsOverKeys = g.node("Softmax", "attention", List.of(scores), attr("axis", -1L)); // (B, H, T, T)
        String attended = g.node("MatMul", "attended", List.of(weightsOverKeys, v)); // (B, H, T, Dh)
        String merged = g.node("Transpose", "merge_order", List.of(attended), attrInts("perm", 0, 2, 1, 3)); // (B, T, H, Dh)
        merged = g.node("Reshape", "merged", List.of(merged, g.longs("merge_shape", false, 0, 0, inner))); // (B, T, I)
        return linear(g, merged, p + "out_proj"); // (B, T, D)
    }

    private static String activate(GraphBuilder g, String h, Activation activation) { // (..., M) -> (..., M)
        return switch (activation) {
            case QUICK_GELU -> g.node("Mul", "quick_gelu", List.of(h,
                    g.node("Sigmoid", "gate", List.of(g.node("Mul", "scaled", List.of(h, g.scalar("k1702", 1.702f))))))); // x * sigmoid(1.702 x)
            case GELU -> {
                String erf = g.node("Erf", "erf", List.of(g.node("Div", "over_sqrt2", List.of(h, g.scalar("sqrt2", (float) Math.sqrt(2.0))))));
                String half = g.node("Mul", "half", List.of(h, g.scalar("half", 0.5f)));
                yield g.node("Mul", "gelu", List.of(half, g.node("Add", "one_plus_erf", List.of(erf, g.scalar("one", 1f))))); // exact erf GELU
            }
        };
    }

    /** y = x W^T + b for the nn.Linear at {@code key}. (..., in) -> (..., out) */
    private String linear(GraphBuilder g, String x, String key) {
        TowerWeights.Tensor w = weights.get(key + ".weight"); // (out, in)
        TowerWeights.Tensor b = weights.get(key + ".bias"); // (out)
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        String wt = g.weight(key + ".weight_t", TowerWeights.transpose(w.data(), out, in), in, out); // (in, out)
        String y = g.node("MatMul", key.replace('.', '_'), List.of(x, wt)); // (..., out)
        return g.node("Add", key.replace('.', '_') + "_bias", List.of(y, g.weight(key + ".bias", b.data(), out))); // (..., out)
    }

    /** The projection into the shared space (no bias). (B, D) -> (B, P) */
    private String projection(GraphBuilder g, String x, String key) {
        TowerWeights.Tensor w = weights.get(key); // (P, D)
        int out = (int) w.shape()[0];
        int in = (int) w.shape()[1];
        String wt = g.weight(key.replace(".weight", ".weight_t"), TowerWeights.transpose(w.data(), out, in), in, out); // (D, P)
        return g.node("MatMul", key.replace('.', '_'), List.of(x, wt)); // (B, P)
    }

    private String layerNorm(GraphBuilder g, String x, String key, float eps) { // (..., D) -> (..., D)
        TowerWeights.Tensor w = weights.get(key + ".weight"); // (D)
        TowerWeights.Tensor b = weights.get(key + ".bias"); // (D)
        return g.node("LayerNormalization", key.replace('.', '_'), List.of(x, g.weight(key + ".weight", w.data(), w.shape()),
                g.weight(key + ".bias", b.data(), b.shape())), attr("axis", -1L), attr("epsilon", eps));
    }

    /** Rows scaled to unit length. (B, P) -> (B, P) */
    private static String l2Normalize(GraphBuilder g, String x) {
        String squares = g.node("ReduceSum", "squares", List.of(g.node("Mul", "square", List.of(x, x)), g.longs("last", false, -1)),
                attr("keepdims", 1L)); // (B, 1)
        return g.node("Div", "normalized", List.of(x, g.node("Sqrt", "norm", List.of(squares)))); // (B, P)
    }
}
