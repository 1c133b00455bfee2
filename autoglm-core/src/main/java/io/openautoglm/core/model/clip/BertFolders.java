package io.openautoglm.core.model.clip;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.bert.WordPieceTokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * Hugging Face folders whose text tower is BERT: a {@code ChineseCLIPModel} (BERT pooled at [CLS],
 * CLIP ViT) and a {@code VisionTextDualEncoderModel} with a {@code BertModel} text tower and a CLIP
 * vision tower (BERT's pooler output). Also the one check that names an unsupported text tower.
 */
final class BertFolders {
    static final List<String> CLIP_TEXT_TYPES = List.of("clip_text_model", "clip");
    static final List<String> BERT_TEXT_TYPES = List.of("bert", "chinese_clip_text_model");
    private static final String SUPPORTED = "supported text towers: CLIP's text transformer (clip_text_model) and BERT "
            + "(bert, chinese_clip_text_model, with a WordPiece tokenizer.json)";

    private BertFolders() {}

    static boolean isChineseClip(JsonNode root) {
        return "chinese_clip".equals(root.path("model_type").asText()) || root.path("architectures").toString().contains("ChineseCLIPModel");
    }

    static boolean isDualEncoder(JsonNode root) {
        return "vision-text-dual-encoder".equals(root.path("model_type").asText())
                || root.path("architectures").toString().contains("VisionTextDualEncoderModel");
    }

    /** One clear error when text_config names a text tower we do not run (XLM-RoBERTa, mT5, ...). */
    static void checkTextTower(JsonNode root, Path configFile, boolean bertExpected) {
        String type = root.path("text_config").path("model_type").asText("");
        boolean known = type.isEmpty() || BERT_TEXT_TYPES.contains(type) || (!bertExpected && CLIP_TEXT_TYPES.contains(type));
        if (!known) {
            throw new UserInputException(configFile + ": the text tower is '" + type + "' (text_config.model_type); " + SUPPORTED);
        }
    }

    /** A ChineseCLIPModel folder's config: BERT text_config, CLIP vision_config, ids of [PAD], [CLS], [SEP] from the tokenizer. */
    static ClipConfig chineseClip(JsonNode root, Path configFile, Path tokenizerJson) {
        checkTextTower(root, configFile, true);
        return ClipConfig.fromHuggingFace(root, root.path("vision_config"), bertText(root, tokenizerJson, false));
    }

    /** A VisionTextDualEncoderModel folder's config; only a BertModel text tower with a CLIP vision tower. */
    static ClipConfig dualEncoder(JsonNode root, Path configFile, Path tokenizerJson) {
        checkTextTower(root, configFile, true);
        String vision = root.path("vision_config").path("model_type").asText("");
        if (!vision.equals("clip_vision_model") && !vision.equals("clip")) {
            throw new UserInputException(configFile + ": the vision tower is '" + vision + "' (vision_config.model_type); "
                    + "supported vision towers: CLIP's ViT (clip_vision_model)");
        }
        return ClipConfig.fromHuggingFace(root, root.path("vision_config"), bertText(root, tokenizerJson, true));
    }

    private static ClipConfig.TextConfig bertText(JsonNode root, Path tokenizerJson, boolean pooler) {
        WordPieceTokenizer tokens = wordPiece(tokenizerJson);
        JsonNode t = root.path("text_config");
        int pad = tokens.id("[PAD]") >= 0 ? tokens.id("[PAD]") : t.path("pad_token_id").asInt(0);
        if (tokens.clsId() < 0 || tokens.sepId() < 0) {
            throw new UserInputException(tokenizerJson + " has no [CLS] or [SEP] token, which a BERT text tower starts and ends "
                    + "every text with");
        }
        return ClipConfig.bertText(t, pad, tokens.clsId(), tokens.sepId(), pooler);
    }

    /** The folder's tokenizer.json as BERT's WordPiece; one clear error naming any other kind (Unigram, BPE). */
    static WordPieceTokenizer wordPiece(Path tokenizerJson) {
        if (!tokenizerJson.toFile().isFile()) {
            throw new UserInputException(tokenizerJson.getParent() + " has no " + ModelDirectory.TOKENIZER
                    + " (the Hugging Face tokenizer file of this model)");
        }
        JsonNode root = ModelDirectory.readJson(tokenizerJson);
        String type = root.path("model").path("type").asText("");
        if (!ClipTokenizer.WORD_PIECE.equals(type)) {
            throw new UserInputException(tokenizerJson + " is a " + (type.isEmpty() ? "typeless" : type)
                    + " tokenizer, but a BERT text tower reads WordPiece ids (model.type \"WordPiece\"); " + SUPPORTED);
        }
        return new WordPieceTokenizer(root);
    }
}
