package io.openautoglm.core.model.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.fusion.FusionConfig;
import io.openautoglm.core.nn.Activation;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape of a CLIP-family dual encoder. Validated on construction; read from our
 * {@code config.json}, a Hugging Face {@code CLIPConfig} or an open_clip {@code model_cfg}, and
 * written back as our {@code config.json} (Hugging Face key names where the concept is the same).
 *
 * @param fusion the understanding heads (matching, answers, captions), or null
 * @param imageTags the labels of the image-tag head (ours only): a multi-label classifier on the image
 *     embedding that training can use as an auxiliary objective; empty: no such head
 * @param similarity how the model was trained to compare a picture with a text (ours only):
 *     {@code pooled}, CLIP's cosine of the pooled embeddings, or {@code filip}, FILIP's token-wise
 *     late interaction ({@link FilipSimilarity}); scorers read it to know which one fits
 */
public record ClipConfig(VisionConfig vision, TextConfig text, int projectionDim, float logitScaleInit, FusionConfig fusion,
        List<String> imageTags, String similarity) {
    public static final String POOLED = "pooled";
    public static final String FILIP = "filip";

    /** Natural log of 1/0.07, the temperature CLIP starts from. */
    public static final float DEFAULT_LOGIT_SCALE_INIT = 2.6592f;

    public ClipConfig {
        require(vision != null && text != null, "vision_config and text_config are required");
        positive("projection_dim", projectionDim);
        require(Float.isFinite(logitScaleInit), "logit_scale_init_value must be finite");
        require(fusion == null || text.width() % fusion.heads() == 0,
                "text hidden_size " + text.width() + " is not divisible by fusion num_attention_heads "
                        + (fusion == null ? 0 : fusion.heads()));
        imageTags = imageTags == null ? List.of() : List.copyOf(imageTags);
        require(imageTags.stream().distinct().count() == imageTags.size(), "image_tags must not repeat a tag");
        similarity = similarity == null ? POOLED : similarity;
        require(POOLED.equals(similarity) || FILIP.equals(similarity),
                "similarity must be \"pooled\" or \"filip\", got \"" + similarity + "\"");
    }

    /** Pooled similarity (every imported checkpoint; configs written before the key existed). */
    public ClipConfig(VisionConfig vision, TextConfig text, int projectionDim, float logitScaleInit, FusionConfig fusion,
            List<String> imageTags) {
        this(vision, text, projectionDim, logitScaleInit, fusion, imageTags, POOLED);
    }

    /** The same model, trained for this similarity ({@code pooled} or {@code filip}). */
    public ClipConfig withSimilarity(String newSimilarity) {
        return new ClipConfig(vision, text, projectionDim, logitScaleInit, fusion, imageTags, newSimilarity);
    }

    /** A dual encoder without understanding heads (every imported CLIP checkpoint). */
    public ClipConfig(VisionConfig vision, TextConfig text, int projectionDim, float logitScaleInit) {
        this(vision, text, projectionDim, logitScaleInit, null, List.of());
    }

    /** The same model with these heads (null: none). */
    public ClipConfig withFusion(FusionConfig newFusion) {
        return new ClipConfig(vision, text, projectionDim, logitScaleInit, newFusion, imageTags, similarity);
    }

    /** The same model with an image-tag head over these labels (empty: none). */
    public ClipConfig withImageTags(List<String> tags) {
        return new ClipConfig(vision, text, projectionDim, logitScaleInit, fusion, tags, similarity);
    }

    /** The same model with another text vocabulary size and special token ids (a grown word-level tokenizer). */
    public ClipConfig withVocabulary(int vocabSize, int padId, int bosId, int eosId) {
        TextConfig t = new TextConfig(vocabSize, text.contextLength(), text.width(), text.layers(), text.heads(), text.mlpSize(),
                text.activation(), text.layerNormEps(), padId, bosId, eosId, text.headDim(), text.bert());
        return new ClipConfig(vision, t, projectionDim, logitScaleInit, fusion, imageTags, similarity);
    }

    /** The activation a config's {@code hidden_act} names; one clear error for any other name. */
    static Activation parseActivation(String name) {
        Activation a = Activation.byKey(name);
        if (a == null) {
            throw new UserInputException("unknown hidden_act '" + name + "': expected quick_gelu or gelu");
        }
        return a;
    }

    /**
     * @param patchStem how pixels become tokens: {@code patch}, CLIP's patch convolution (kernel =
     *     stride = patch size), or {@code conv}, a stack of 3x3 stride-2 convolutions down to the
     *     same grid (ours, for small models trained from scratch: a convolutional stem gives a
     *     transformer the local shape cues it otherwise learns slowly, Xiao et al. 2021)
     */
    public record VisionConfig(
            int imageSize, int patchSize, int numChannels, int width, int layers, int heads, int mlpSize,
            Activation activation, float layerNormEps, String patchStem, int headDim) {
        public static final String PATCH_STEM = "patch";
        public static final String CONV_STEM = "conv";

        /** Attention as wide as the residual stream: head_dim = hidden_size / num_attention_heads. */
        public VisionConfig(int imageSize, int patchSize, int numChannels, int width, int layers, int heads, int mlpSize,
                Activation activation, float layerNormEps, String patchStem) {
            this(imageSize, patchSize, numChannels, width, layers, heads, mlpSize, activation, layerNormEps, patchStem, 0);
        }

        /** CLIP's own tower: the patch convolution. */
        public VisionConfig(int imageSize, int patchSize, int numChannels, int width, int layers, int heads, int mlpSize,
                Activation activation, float layerNormEps) {
            this(imageSize, patchSize, numChannels, width, layers, heads, mlpSize, activation, layerNormEps, PATCH_STEM);
        }

        public VisionConfig {
            require(PATCH_STEM.equals(patchStem) || CONV_STEM.equals(patchStem),
                    "vision patch_stem must be \"patch\" or \"conv\", got " + patchStem);
            require(!CONV_STEM.equals(patchStem) || (patchSize >= 2 && Integer.bitCount(patchSize) == 1),
                    "vision patch_stem \"conv\" needs a power-of-two patch_size (one stride-2 convolution per halving), got " + patchSize);
            positive("vision image_size", imageSize);
            positive("vision patch_size", patchSize);
            positive("vision num_channels", numChannels);
            positive("vision hidden_size", width);
            positive("vision num_hidden_layers", layers);
            positive("vision num_attention_heads", heads);
            positive("vision intermediate_size", mlpSize);
            require(imageSize % patchSize == 0,
                    "vision image_size " + imageSize + " is not a multiple of patch_size " + patchSize);
            require(headDim != 0 || width % heads == 0,
                    "vision hidden_size " + width + " is not divisible by num_attention_heads " + heads);
            require(headDim >= 0, "vision head_dim must be positive, got " + headDim);
            headDim = headDim == 0 ? width / heads : headDim; // 0: CLIP's own, hidden_size / heads
            require(activation != null, "vision hidden_act is required");
            require(layerNormEps > 0, "vision layer_norm_eps must be positive");
        }

        /** Patches per side times patches per side. */
        public int numPatches() {
            int side = imageSize / patchSize;
            return side * side;
        }
    }

    /**
     * @param headDim the width of one attention head; hidden_size / num_attention_heads unless
     *     attention heads were pruned away (then heads x head_dim is narrower than hidden_size)
     * @param bert null for CLIP's causal text transformer; else the text tower is BERT (bidirectional,
     *     post-norm, pooled at [CLS]; bos and eos are the [CLS] and [SEP] ids, pad the [PAD] id)
     */
    public record TextConfig(
            int vocabSize, int contextLength, int width, int layers, int heads, int mlpSize,
            Activation activation, float layerNormEps, int padId, int bosId, int eosId, int headDim, BertText bert) {
        /** The architecture names config files and {@code model.text.architecture} use. */
        public static final String CLIP = "clip";
        public static final String BERT = "bert";

        /** Attention as wide as the residual stream: head_dim = hidden_size / num_attention_heads. */
        public TextConfig(int vocabSize, int contextLength, int width, int layers, int heads, int mlpSize,
                Activation activation, float layerNormEps, int padId, int bosId, int eosId) {
            this(vocabSize, contextLength, width, layers, heads, mlpSize, activation, layerNormEps, padId, bosId, eosId, 0);
        }

        /** CLIP's text transformer. */
        public TextConfig(int vocabSize, int contextLength, int width, int layers, int heads, int mlpSize,
                Activation activation, float layerNormEps, int padId, int bosId, int eosId, int headDim) {
            this(vocabSize, contextLength, width, layers, heads, mlpSize, activation, layerNormEps, padId, bosId, eosId, headDim,
                    null);
        }

        public TextConfig {
            positive("text vocab_size", vocabSize);
            positive("text max_position_embeddings", contextLength);
            require(contextLength >= 2, "text max_position_embeddings must be at least 2 (start and end tokens)");
            positive("text hidden_size", width);
            positive("text num_hidden_layers", layers);
            positive("text num_attention_heads", heads);
            positive("text intermediate_size", mlpSize);
            require(headDim != 0 || width % heads == 0,
                    "text hidden_size " + width + " is not divisible by num_attention_heads " + heads);
            require(headDim >= 0, "text head_dim must be positive, got " + headDim);
            headDim = headDim == 0 ? width / heads : headDim; // 0: CLIP's own, hidden_size / heads
            require(bert == null || headDim * heads == width, "a BERT text tower cannot have pruned heads (head_dim "
                    + headDim + " x " + heads + " heads != hidden_size " + width + ")");
            require(activation != null, "text hidden_act is required");
            require(layerNormEps > 0, "text layer_norm_eps must be positive");
            for (int id : new int[] {padId, bosId, eosId}) {
                require(id >= 0 && id < vocabSize,
                        "text token id " + id + " (pad/bos/eos) is outside the vocabulary of " + vocabSize);
            }
        }

        /** Whether the text tower is BERT rather than CLIP's causal transformer. */
        public boolean isBert() {
            return bert != null;
        }

        /** {@link #CLIP} or {@link #BERT}. */
        public String architecture() {
            return isBert() ? BERT : CLIP;
        }

        /** The BERT tower's own config; only for {@link #isBert()}. */
        public io.openautoglm.core.model.bert.BertConfig bertConfig() {
            require(isBert(), "the text tower is CLIP's, not BERT");
            return new io.openautoglm.core.model.bert.BertConfig(vocabSize, contextLength, bert.typeVocabSize(), width, layers, heads,
                    mlpSize, activation, layerNormEps, padId, bert.pooler());
        }
    }

    /**
     * What a BERT text tower has beyond CLIP's text config.
     *
     * @param typeVocabSize rows of the token-type table (type_vocab_size, 2 in BERT)
     * @param pooler whether the pooled state goes through BertModel's pooler, tanh(dense([CLS])): true
     *     for a VisionTextDualEncoderModel, false for ChineseCLIPModel and our own
     */
    public record BertText(int typeVocabSize, boolean pooler) {
        public BertText {
            positive("text type_vocab_size", typeVocabSize);
        }
    }

    // ---- reading ----------------------------------------------------------------------------

    /** Reads a Hugging Face {@code CLIPConfig} or our own {@code config.json} (same keys). */
    public static ClipConfig fromHuggingFace(JsonNode root) {
        return fromHuggingFace(root, root.path("vision_config"), null);
    }

    /**
     * As {@link #fromHuggingFace(JsonNode)}, with the vision config at {@code v} (a CLIP vision config,
     * wherever the folder keeps it) and the text tower given (null: read CLIP's or ours from text_config).
     */
    public static ClipConfig fromHuggingFace(JsonNode root, JsonNode v, TextConfig givenText) {
        JsonNode t = root.path("text_config");
        VisionConfig vision = new VisionConfig(
                v.path("image_size").asInt(224),
                v.path("patch_size").asInt(32),
                v.path("num_channels").asInt(3),
                v.path("hidden_size").asInt(768),
                v.path("num_hidden_layers").asInt(12),
                v.path("num_attention_heads").asInt(12),
                v.path("intermediate_size").asInt(3072),
                parseActivation(v.path("hidden_act").asText("quick_gelu")),
                (float) v.path("layer_norm_eps").asDouble(1e-5),
                v.path("patch_stem").asText(VisionConfig.PATCH_STEM),
                v.path("head_dim").asInt(0));
        TextConfig text = givenText != null ? givenText : TextConfig.BERT.equals(t.path("model_type").asText()) ? bertText(t, t.path("pad_token_id").asInt(0),
                t.path("bos_token_id").asInt(-1), t.path("eos_token_id").asInt(-1), t.path("pooler").asBoolean(false)) : new TextConfig(
                t.path("vocab_size").asInt(49408),
                t.path("max_position_embeddings").asInt(77),
                t.path("hidden_size").asInt(512),
                t.path("num_hidden_layers").asInt(12),
                t.path("num_attention_heads").asInt(8),
                t.path("intermediate_size").asInt(2048),
                parseActivation(t.path("hidden_act").asText("quick_gelu")),
                (float) t.path("layer_norm_eps").asDouble(1e-5),
                t.path("pad_token_id").asInt(1),
                t.path("bos_token_id").asInt(49406),
                t.path("eos_token_id").asInt(49407),
                t.path("head_dim").asInt(0));
        FusionConfig fusion = root.hasNonNull("fusion_config") ? FusionConfig.fromJson(root.path("fusion_config")) : null;
        List<String> tags = new ArrayList<>();
        root.path("image_tags").forEach(tag -> tags.add(tag.asText()));
        return new ClipConfig(vision, text, root.path("projection_dim").asInt(512),
                (float) root.path("logit_scale_init_value").asDouble(DEFAULT_LOGIT_SCALE_INIT), fusion, tags,
                root.path("similarity").asText(POOLED));
    }

    /**
     * A BERT text tower from a Hugging Face BERT config ({@code BertConfig}, {@code
     * ChineseCLIPTextConfig}; BERT-base defaults) or our own text_config; its special ids come from
     * the caller (Hugging Face configs do not name [CLS] and [SEP]: the tokenizer does).
     */
    public static TextConfig bertText(JsonNode t, int padId, int clsId, int sepId, boolean pooler) {
        return new TextConfig(
                t.path("vocab_size").asInt(30522),
                t.path("max_position_embeddings").asInt(512),
                t.path("hidden_size").asInt(768),
                t.path("num_hidden_layers").asInt(12),
                t.path("num_attention_heads").asInt(12),
                t.path("intermediate_size").asInt(3072),
                parseActivation(t.path("hidden_act").asText("gelu")),
                (float) t.path("layer_norm_eps").asDouble(1e-12),
                padId, clsId, sepId, 0,
                new BertText(t.path("type_vocab_size").asInt(2), pooler));
    }

    /**
     * Reads an open_clip {@code model_cfg}. Without a {@code quick_gelu} key we follow the OpenAI
     * reference, which always uses QuickGELU; open_clip models trained with nn.GELU (LAION) must say
     * {@code "quick_gelu": false}, as open_clip's own configs for them do.
     */
    public static ClipConfig fromOpenClip(JsonNode modelCfg) {
        JsonNode v = modelCfg.path("vision_cfg");
        JsonNode t = modelCfg.path("text_cfg");
        if (v.has("layers") && !v.path("layers").isInt()) {
            throw new UserInputException("open_clip vision_cfg.layers must be an integer (ResNet towers are not supported)");
        }
        if (v.has("timm_model_name") && !v.path("timm_model_name").isNull()) {
            throw new UserInputException("open_clip timm vision towers are not supported; only the CLIP ViT tower is");
        }
        Activation act = modelCfg.path("quick_gelu").asBoolean(true) ? Activation.QUICK_GELU : Activation.GELU;
        int vWidth = v.path("width").asInt(768);
        int vHeadWidth = v.path("head_width").asInt(64);
        int tWidth = t.path("width").asInt(512);
        int vocab = t.path("vocab_size").asInt(49408);
        VisionConfig vision = new VisionConfig(
                v.path("image_size").asInt(224),
                v.path("patch_size").asInt(16),
                3,
                vWidth,
                v.path("layers").asInt(12),
                Math.max(1, vWidth / vHeadWidth),
                (int) (vWidth * v.path("mlp_ratio").asDouble(4.0)),
                act,
                1e-5f);
        TextConfig text = new TextConfig(
                vocab,
                t.path("context_length").asInt(77),
                tWidth,
                t.path("layers").asInt(12),
                t.path("heads").asInt(8),
                (int) (tWidth * t.path("mlp_ratio").asDouble(4.0)),
                act,
                1e-5f,
                0,
                vocab - 2,
                vocab - 1);
        return new ClipConfig(vision, text, modelCfg.path("embed_dim").asInt(512), DEFAULT_LOGIT_SCALE_INIT);
    }

    // ---- writing ----------------------------------------------------------------------------

    /** Our {@code config.json}: Hugging Face {@code CLIPConfig} keys plus our format marker. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("format", "open-autoglm");
        root.put("model_type", "clip");
        root.put("projection_dim", projectionDim);
        root.put("logit_scale_init_value", logitScaleInit);
        ObjectNode t = root.putObject("text_config");
        if (text.isBert()) {
            t.put("model_type", TextConfig.BERT); // absent: CLIP's text transformer
            t.put("type_vocab_size", text.bert().typeVocabSize());
            if (text.bert().pooler()) {
                t.put("pooler", true);
            }
        }
        t.put("vocab_size", text.vocabSize());
        t.put("max_position_embeddings", text.contextLength());
        t.put("hidden_size", text.width());
        t.put("num_hidden_layers", text.layers());
        t.put("num_attention_heads", text.heads());
        t.put("intermediate_size", text.mlpSize());
        t.put("hidden_act", text.activation().key());
        t.put("layer_norm_eps", text.layerNormEps());
        t.put("pad_token_id", text.padId());
        t.put("bos_token_id", text.bosId());
        t.put("eos_token_id", text.eosId());
        if (text.headDim() * text.heads() != text.width()) {
            t.put("head_dim", text.headDim()); // pruned heads only; absent means hidden_size / heads
        }
        ObjectNode v = root.putObject("vision_config");
        v.put("image_size", vision.imageSize());
        v.put("patch_size", vision.patchSize());
        v.put("num_channels", vision.numChannels());
        v.put("hidden_size", vision.width());
        v.put("num_hidden_layers", vision.layers());
        v.put("num_attention_heads", vision.heads());
        v.put("intermediate_size", vision.mlpSize());
        v.put("hidden_act", vision.activation().key());
        v.put("layer_norm_eps", vision.layerNormEps());
        if (vision.headDim() * vision.heads() != vision.width()) {
            v.put("head_dim", vision.headDim()); // pruned heads only; absent means hidden_size / heads
        }
        if (!VisionConfig.PATCH_STEM.equals(vision.patchStem())) {
            v.put("patch_stem", vision.patchStem()); // ours only; absent means CLIP's patch convolution
        }
        if (fusion != null) {
            root.set("fusion_config", fusion.toJson()); // ours only
        }
        if (!imageTags.isEmpty()) {
            imageTags.forEach(root.putArray("image_tags")::add); // ours only
        }
        if (!POOLED.equals(similarity)) {
            root.put("similarity", similarity); // ours only; absent means pooled, so pooled models' config.json is unchanged
        }
        return root;
    }

    private static void positive(String key, int value) {
        require(value > 0, key + " must be positive, got " + value);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new UserInputException("invalid model config: " + message);
        }
    }
}
