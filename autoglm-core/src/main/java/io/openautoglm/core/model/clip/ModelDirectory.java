package io.openautoglm.core.model.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model folder on disk, recognised as one of the {@link CheckpointLayout}s, with its config,
 * preprocessing settings and the files that hold weights and vocabulary.
 */
public record ModelDirectory(
        Path dir, CheckpointLayout layout, ClipConfig config, PreprocessorConfig preprocessor,
        Path weights, Path tokenizer, JsonNode provenance) {

    public static final String CONFIG = "config.json";
    public static final String OPEN_CLIP_CONFIG = "open_clip_config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String PREPROCESSOR = "preprocessor.json";
    public static final String HF_PREPROCESSOR = "preprocessor_config.json";
    public static final String PROVENANCE = "provenance.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LAYOUTS_WE_READ = "an Open-AutoGLM model directory (config.json with \"format\": \"open-autoglm\"), "
            + "a Hugging Face CLIPModel folder (config.json, model.safetensors, tokenizer.json), "
            + "a Hugging Face ChineseCLIPModel folder or VisionTextDualEncoderModel with a BERT text tower (the same files) or "
            + "an OpenAI/open_clip folder (open_clip_config.json, model.safetensors, tokenizer.json)";

    /**
     * Recognises the layout of {@code dir} and reads its config; one clear error if it cannot. A
     * training run's output folder ({@code autoglm train --out}) stands for its final model.
     */
    public static ModelDirectory read(Path given) {
        Path dir = TrainingRunFolder.modelOf(given);
        if (!Files.exists(dir)) {
            throw new UserInputException("model directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new UserInputException("model path " + dir + " is not a directory; give the folder that holds "
                    + CONFIG + " or " + OPEN_CLIP_CONFIG);
        }
        Path configFile = dir.resolve(CONFIG);
        Path openClipFile = dir.resolve(OPEN_CLIP_CONFIG);
        CheckpointLayout layout;
        ClipConfig config;
        PreprocessorConfig preprocessor;
        if (Files.isRegularFile(configFile)) {
            JsonNode root = readJson(configFile);
            if ("open-autoglm".equals(root.path("format").asText())) {
                layout = CheckpointLayout.OPEN_AUTOGLM;
                config = ClipConfig.fromHuggingFace(root);
            } else if (BertFolders.isChineseClip(root)) {
                layout = CheckpointLayout.CHINESE_CLIP;
                config = BertFolders.chineseClip(root, configFile, dir.resolve(TOKENIZER));
            } else if (BertFolders.isDualEncoder(root)) {
                layout = CheckpointLayout.DUAL_ENCODER;
                config = BertFolders.dualEncoder(root, configFile, dir.resolve(TOKENIZER));
            } else if ("clip".equals(root.path("model_type").asText())
                    || root.path("architectures").toString().contains("CLIPModel")) {
                layout = CheckpointLayout.HUGGING_FACE;
                BertFolders.checkTextTower(root, configFile, false);
                config = ClipConfig.fromHuggingFace(root);
            } else {
                BertFolders.checkTextTower(root, configFile, false); // AltCLIP and kin: name the text tower we lack
                throw new UserInputException(configFile + " is not a CLIP config (model_type '"
                        + root.path("model_type").asText("") + "'); we read " + LAYOUTS_WE_READ);
            }
            if (config.text().isBert() && layout == CheckpointLayout.OPEN_AUTOGLM) {
                BertFolders.wordPiece(dir.resolve(TOKENIZER)); // a BERT tower needs its WordPiece ids
            }
            preprocessor = readPreprocessor(dir, config.vision().imageSize());
        } else if (Files.isRegularFile(openClipFile)) {
            layout = CheckpointLayout.OPENAI;
            JsonNode root = readJson(openClipFile);
            if (!root.has("model_cfg")) {
                throw new UserInputException(openClipFile + " has no \"model_cfg\" object");
            }
            config = ClipConfig.fromOpenClip(root.path("model_cfg"));
            preprocessor = root.has("preprocess_cfg")
                    ? PreprocessorConfig.fromJson(root.path("preprocess_cfg"), config.vision().imageSize())
                    : PreprocessorConfig.clipDefaults(config.vision().imageSize());
        } else {
            throw new UserInputException(dir + " is not a model directory we can read: expected " + LAYOUTS_WE_READ);
        }
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isRegularFile(weights) && holdsOnnxGraphs(dir)) {
            throw new UserInputException(dir + " is an ONNX model folder (" + String.join(", ", onnxGraphs(dir))
                    + "): running it needs autoglm-onnx on the class path (add the io.openautoglm:autoglm-onnx dependency; "
                    + "the autoglm CLI has it), and training or converting it needs the DJL folder it was exported from");
        }
        if (!Files.isRegularFile(weights)) {
            String hint = Files.exists(dir.resolve("pytorch_model.bin")) || Files.exists(dir.resolve("open_clip_pytorch_model.bin"))
                    ? " (only a pickled .bin is there: we read safetensors only, since pickle can run code on load; "
                            + "save it with safetensors first)"
                    : "";
            throw new UserInputException(dir + " has no " + WEIGHTS + hint);
        }
        Path tokenizer = dir.resolve(TOKENIZER);
        if (!Files.isRegularFile(tokenizer)) {
            throw new UserInputException(dir + " has no " + TOKENIZER + " (the Hugging Face tokenizer file of this model)");
        }
        Path provenanceFile = dir.resolve(PROVENANCE);
        JsonNode provenance = Files.isRegularFile(provenanceFile) ? readJson(provenanceFile) : JSON.createObjectNode();
        return new ModelDirectory(dir, layout, config, preprocessor, weights, tokenizer, provenance);
    }

    /** The folder that holds the model: {@code given} itself, or a training run folder's final model. */
    public static Path modelFolder(Path given) {
        return TrainingRunFolder.modelOf(given);
    }

    /** The ONNX graph files a folder holds at its top level, by the names ONNX exports use (ours and Optimum's). */
    public static java.util.List<String> onnxGraphs(Path dir) {
        java.util.List<String> found = new java.util.ArrayList<>();
        for (String name : new String[] {"image_model.onnx", "text_model.onnx", "vision_model.onnx", "model.onnx"}) {
            if (Files.isRegularFile(dir.resolve(name))) {
                found.add(name);
            }
        }
        return found;
    }

    /** Whether {@link #onnxGraphs} finds any. */
    public static boolean holdsOnnxGraphs(Path dir) {
        return !onnxGraphs(dir).isEmpty();
    }

    /** Ours (preprocessor.json), else Hugging Face's preprocessor_config.json, else CLIP defaults. */
    public static PreprocessorConfig readPreprocessor(Path dir, int imageSize) {
        Path ours = dir.resolve(PREPROCESSOR);
        if (Files.isRegularFile(ours)) {
            return PreprocessorConfig.fromJson(readJson(ours), imageSize);
        }
        Path hf = dir.resolve(HF_PREPROCESSOR);
        if (Files.isRegularFile(hf)) {
            JsonNode root = readJson(hf);
            ObjectNode mapped = JSON.createObjectNode();
            // ChineseCLIP's processor resizes both sides to size and does not crop: open_clip's squash.
            boolean squash = !root.path("do_center_crop").asBoolean(true) && root.path("size").has("height");
            mapped.put("image_size", squash ? root.path("size").path("height").asInt(imageSize) : cropSize(root, imageSize));
            if (root.has("image_mean")) {
                mapped.set("mean", root.get("image_mean"));
            }
            if (root.has("image_std")) {
                mapped.set("std", root.get("image_std"));
            }
            // PIL resample codes: 2 bilinear, 3 bicubic.
            mapped.put("interpolation", root.path("resample").asInt(3) == 2 ? "bilinear" : "bicubic");
            mapped.put("resize_mode", squash ? "squash" : "shortest");
            return PreprocessorConfig.fromJson(mapped, imageSize);
        }
        return PreprocessorConfig.clipDefaults(imageSize);
    }

    private static int cropSize(JsonNode root, int fallback) {
        JsonNode crop = root.path("crop_size");
        if (crop.isInt()) {
            return crop.asInt();
        }
        if (crop.has("height")) {
            return crop.path("height").asInt(fallback);
        }
        return fallback;
    }

    public static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserInputException(file + " is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
