package io.openautoglm.graph.nn;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.openautoglm.core.UserInputException;
import java.util.List;

/**
 * What a graph model is: the layer kind, widths and depth. Saved as {@code "model"} in a trained
 * model's config.json. {@code mlp} is the feature-only baseline: the same head, no messages.
 */
public record GraphModelConfig(@JsonProperty("kind") String kind, @JsonProperty("input_width") int inputWidth,
        @JsonProperty("hidden") int hidden, @JsonProperty("classes") int classes, @JsonProperty("layers") int layers,
        @JsonProperty("relations") int relations, @JsonProperty("heads") int heads, @JsonProperty("bases") int bases,
        @JsonProperty("dropout") float dropout) {
    public static final List<String> KINDS = List.of("gcn", "sage", "gat", "rgcn", "directed", "mlp");

    public GraphModelConfig {
        if (!KINDS.contains(kind)) {
            throw new UserInputException("unknown graph model '" + kind + "': use one of " + String.join(", ", KINDS));
        }
        check(inputWidth >= 1, "input_width must be >= 1");
        check(hidden >= 1, "hidden must be >= 1");
        check(classes >= 2, "a graph model needs at least two classes (labels) among the training nodes, got " + classes);
        check(layers >= 1 && layers <= 8, "layers must be between 1 and 8");
        check(relations >= 1, "relations must be >= 1");
        check(heads >= 1 && hidden % heads == 0, "heads must divide hidden (" + hidden + "), got " + heads);
        check(bases >= 1, "bases must be >= 1");
        check(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new UserInputException("graph model config: " + message);
        }
    }
}
