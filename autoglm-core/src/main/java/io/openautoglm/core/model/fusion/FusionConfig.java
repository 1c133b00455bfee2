package io.openautoglm.core.model.fusion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * The understanding heads on top of a dual encoder (ours only; saved as {@code fusion_config} in
 * {@code config.json}): a fusion encoder whose text tokens attend to the image tokens, with an
 * image–text matching head and an answer classifier, and a caption decoder. Widths follow the
 * text tower; the caption decoder uses the model's own tokenizer and context length.
 *
 * @param layers fusion encoder layers (self-attention, cross-attention, MLP each)
 * @param decoderLayers caption decoder layers (causal self-attention, cross-attention, MLP each)
 * @param heads attention heads in both
 * @param mlpSize feed-forward width in both
 * @param answers the answer vocabulary of the question-answering head, in class order
 * @param imagePositions whether the fusion encoder adds explicit 2D position features to the image
 *     tokens it reads ({@link ImagePositions}); absent in older models, which read them without
 * @param attendedPositions whether each text token gains, after the first fusion layer, the position
 *     its cross-attention looked at ({@link AttendedPositions}); absent in older models
 */
public record FusionConfig(int layers, int decoderLayers, int heads, int mlpSize, List<String> answers, boolean imagePositions,
        boolean attendedPositions) {

    public FusionConfig(int layers, int decoderLayers, int heads, int mlpSize, List<String> answers) {
        this(layers, decoderLayers, heads, mlpSize, answers, false, false);
    }

    public FusionConfig(int layers, int decoderLayers, int heads, int mlpSize, List<String> answers, boolean imagePositions) {
        this(layers, decoderLayers, heads, mlpSize, answers, imagePositions, false);
    }

    public FusionConfig {
        require(layers > 0, "fusion num_hidden_layers must be positive, got " + layers);
        require(decoderLayers > 0, "fusion num_decoder_layers must be positive, got " + decoderLayers);
        require(heads > 0, "fusion num_attention_heads must be positive, got " + heads);
        require(mlpSize > 0, "fusion intermediate_size must be positive, got " + mlpSize);
        require(answers != null && !answers.isEmpty(), "fusion answers must list at least one answer");
        require(new HashSet<>(answers).size() == answers.size(), "fusion answers must not repeat an answer");
        answers = List.copyOf(answers);
    }

    public static FusionConfig fromJson(JsonNode node) {
        List<String> answers = new ArrayList<>();
        node.path("answers").forEach(a -> answers.add(a.asText()));
        return new FusionConfig(node.path("num_hidden_layers").asInt(0), node.path("num_decoder_layers").asInt(0),
                node.path("num_attention_heads").asInt(0), node.path("intermediate_size").asInt(0), answers,
                node.path("image_position_features").asBoolean(false), node.path("attended_position_features").asBoolean(false));
    }

    public ObjectNode toJson() {
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        f.put("num_hidden_layers", layers);
        f.put("num_decoder_layers", decoderLayers);
        f.put("num_attention_heads", heads);
        f.put("intermediate_size", mlpSize);
        if (imagePositions) {
            f.put("image_position_features", true); // ours only; absent means none
        }
        if (attendedPositions) {
            f.put("attended_position_features", true); // ours only; absent means none
        }
        ArrayNode a = f.putArray("answers");
        answers.forEach(a::add);
        return f;
    }

    /** The same heads with another answer vocabulary. */
    public FusionConfig withAnswers(List<String> newAnswers) {
        return new FusionConfig(layers, decoderLayers, heads, mlpSize, newAnswers, imagePositions, attendedPositions);
    }

    /** The same heads with or without image position features. */
    public FusionConfig withImagePositions(boolean on) {
        return new FusionConfig(layers, decoderLayers, heads, mlpSize, answers, on, attendedPositions);
    }

    /** The same heads with or without attended position features. */
    public FusionConfig withAttendedPositions(boolean on) {
        return new FusionConfig(layers, decoderLayers, heads, mlpSize, answers, imagePositions, on);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new UserInputException("invalid model config: " + message);
        }
    }
}
