package io.openautoglm.train.config;

import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.nn.Activation;

/** Architectures for training from scratch, sized for CPUs. */
public final class ModelPresets {
    /** The preset names {@code model.preset} accepts. */
    public static final java.util.List<String> NAMES = java.util.List.of("tiny", "small", "mini");

    private ModelPresets() {}

    /**
     * @param preset tiny (about 1.7M parameters), small (about 9.5M) or mini (width 64, 4 layers, a
     *     distillation student about 4x cheaper than tiny in FLOPs; see {@link ModelFlops})
     * @param vocabSize, padId, bosId, eosId from the tokenizer built for the data
     */
    public static ClipConfig build(String preset, int imageSize, int contextLength, int vocabSize, int padId, int bosId, int eosId) {
        return build(preset, imageSize, contextLength, ClipConfig.VisionConfig.PATCH_STEM, vocabSize, padId, bosId, eosId);
    }

    /** As above, with the image tower's stem: {@code patch} (CLIP's) or {@code conv}. */
    public static ClipConfig build(String preset, int imageSize, int contextLength, String patchStem, int vocabSize, int padId,
            int bosId, int eosId) {
        return build(preset, imageSize, contextLength, patchStem, ClipConfig.TextConfig.CLIP, vocabSize, padId, bosId, eosId);
    }

    /**
     * As above, with the text tower's architecture: {@code clip} or {@code bert} (BERT's post-norm
     * layers with exact GELU and eps 1e-12, pooled at [CLS]; bos and eos are [CLS] and [SEP]).
     */
    public static ClipConfig build(String preset, int imageSize, int contextLength, String patchStem, String textArchitecture,
            int vocabSize, int padId, int bosId, int eosId) {
        int width;
        int layers;
        int heads;
        int patch;
        switch (preset) {
            case "tiny" -> {
                width = 128;
                layers = 4;
                heads = 4;
                patch = 8;
            }
            case "mini" -> {
                width = 64;
                layers = 4;
                heads = 2;
                patch = 8;
            }
            case "small" -> {
                width = 256;
                layers = 6;
                heads = 8;
                patch = 8;
            }
            default -> throw new IllegalArgumentException("unknown preset " + preset);
        }
        var vision = new ClipConfig.VisionConfig(imageSize, patch, 3, width, layers, heads, 4 * width, Activation.QUICK_GELU, 1e-5f,
                patchStem);
        var text = ClipConfig.TextConfig.BERT.equals(textArchitecture)
                ? new ClipConfig.TextConfig(vocabSize, contextLength, width, layers, heads, 4 * width, Activation.GELU, 1e-12f, padId,
                        bosId, eosId, 0, new ClipConfig.BertText(2, false))
                : new ClipConfig.TextConfig(vocabSize, contextLength, width, layers, heads, 4 * width, Activation.QUICK_GELU,
                        1e-5f, padId, bosId, eosId);
        return new ClipConfig(vision, text, width, ClipConfig.DEFAULT_LOGIT_SCALE_INIT);
    }
}
