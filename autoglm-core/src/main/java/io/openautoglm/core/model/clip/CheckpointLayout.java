package io.openautoglm.core.model.clip;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The checkpoint layouts we read, each with its one mapping table from our parameter names (Hugging
 * Face {@code CLIPModel} keys) to the checkpoint's keys.
 */
public enum CheckpointLayout {
    /** Our own model directory: config.json with "format": "open-autoglm", HF tensor names. */
    OPEN_AUTOGLM("Open-AutoGLM model directory"),
    /** A Hugging Face CLIPModel folder: config.json (model_type clip), model.safetensors. */
    HUGGING_FACE("Hugging Face CLIPModel folder"),
    /** A Hugging Face ChineseCLIPModel folder: BERT text tower, CLIP ViT; tensor names as ours. */
    CHINESE_CLIP("Hugging Face ChineseCLIPModel folder"),
    /** A Hugging Face VisionTextDualEncoderModel folder: BertModel text tower, CLIPVisionModel (vision_model.vision_model.*). */
    DUAL_ENCODER("Hugging Face VisionTextDualEncoderModel folder"),
    /** An OpenAI/open_clip folder: open_clip_config.json, model.safetensors with OpenAI state-dict names. */
    OPENAI("OpenAI/open_clip folder"),
    /** Our ONNX export (autoglm export onnx): image_model.onnx, text_model.onnx; run by autoglm-onnx, no weights to map. */
    ONNX("Open-AutoGLM ONNX export"),
    /** A Hugging Face Optimum ONNX export of CLIP: vision_model.onnx + text_model.onnx, or model.onnx; run by autoglm-onnx. */
    OPTIMUM_ONNX("Hugging Face Optimum ONNX export");

    private final String description;

    CheckpointLayout(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Keys a checkpoint may carry that are buffers, not weights; they are ignored. */
    public Set<String> ignorableKeys() {
        return switch (this) {
            case OPEN_AUTOGLM, HUGGING_FACE -> Set.of("text_model.embeddings.position_ids", "vision_model.embeddings.position_ids");
            case OPENAI -> Set.of("attn_mask", "input_resolution", "context_length", "vocab_size");
            // BERT's buffers; ChineseCLIPModel drops the BERT pooler, so a checkpoint that kept it loads without it.
            case CHINESE_CLIP -> Set.of("text_model.embeddings.position_ids", "text_model.embeddings.token_type_ids",
                    "vision_model.embeddings.position_ids", "text_model.pooler.dense.weight", "text_model.pooler.dense.bias");
            case DUAL_ENCODER -> Set.of("text_model.embeddings.position_ids", "text_model.embeddings.token_type_ids",
                    "vision_model.vision_model.embeddings.position_ids");
            case ONNX, OPTIMUM_ONNX -> Set.of();
        };
    }

    /** For every parameter of a model with this config, where it comes from in this layout. */
    public Map<String, WeightSource> mapping(ClipConfig config) {
        if (this == ONNX || this == OPTIMUM_ONNX) {
            throw new io.openautoglm.core.UserInputException(description + ": ONNX graphs hold no checkpoint to map; "
                    + "use the DJL model folder it was exported from");
        }
        Map<String, WeightSource> map = new LinkedHashMap<>();
        if (this != OPENAI) {
            for (String name : new ClipModel(config).namedParameters().keySet()) {
                // CLIPVisionModel wraps the tower once more: vision_model.vision_model.* in a dual encoder.
                String key = this == DUAL_ENCODER && name.startsWith("vision_model.") ? "vision_model." + name : name;
                map.put(name, WeightSource.asIs(key));
            }
            return map;
        }
        map.put("text_model.embeddings.token_embedding.weight", WeightSource.asIs("token_embedding.weight"));
        map.put("text_model.embeddings.position_embedding.weight", WeightSource.asIs("positional_embedding"));
        openAiEncoder(map, "text_model.encoder", "transformer", config.text().layers());
        openAiNorm(map, "text_model.final_layer_norm", "ln_final");
        map.put("vision_model.embeddings.class_embedding", WeightSource.asIs("visual.class_embedding"));
        map.put("vision_model.embeddings.patch_embedding.weight", WeightSource.asIs("visual.conv1.weight"));
        map.put("vision_model.embeddings.position_embedding.weight", WeightSource.asIs("visual.positional_embedding"));
        openAiNorm(map, "vision_model.pre_layrnorm", "visual.ln_pre");
        openAiEncoder(map, "vision_model.encoder", "visual.transformer", config.vision().layers());
        openAiNorm(map, "vision_model.post_layernorm", "visual.ln_post");
        map.put("visual_projection.weight", WeightSource.transposed("visual.proj"));
        map.put("text_projection.weight", WeightSource.transposed("text_projection"));
        map.put("logit_scale", WeightSource.asIs("logit_scale"));
        return map;
    }

    private static void openAiEncoder(Map<String, WeightSource> map, String ours, String theirs, int layers) {
        String[] qkv = {"q_proj", "k_proj", "v_proj"};
        for (int i = 0; i < layers; i++) {
            String o = ours + ".layers." + i + ".";
            String t = theirs + ".resblocks." + i + ".";
            for (int part = 0; part < 3; part++) {
                map.put(o + "self_attn." + qkv[part] + ".weight", WeightSource.rowBlock(t + "attn.in_proj_weight", part, 3));
                map.put(o + "self_attn." + qkv[part] + ".bias", WeightSource.rowBlock(t + "attn.in_proj_bias", part, 3));
            }
            openAiLinear(map, o + "self_attn.out_proj", t + "attn.out_proj");
            openAiNorm(map, o + "layer_norm1", t + "ln_1");
            openAiNorm(map, o + "layer_norm2", t + "ln_2");
            openAiLinear(map, o + "mlp.fc1", t + "mlp.c_fc");
            openAiLinear(map, o + "mlp.fc2", t + "mlp.c_proj");
        }
    }

    private static void openAiLinear(Map<String, WeightSource> map, String ours, String theirs) {
        map.put(ours + ".weight", WeightSource.asIs(theirs + ".weight"));
        map.put(ours + ".bias", WeightSource.asIs(theirs + ".bias"));
    }

    private static void openAiNorm(Map<String, WeightSource> map, String ours, String theirs) {
        openAiLinear(map, ours, theirs);
    }
}
