package io.openautoglm.graph.recsys;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.openautoglm.core.UserInputException;
import java.util.List;

/**
 * A ranker's shape: {@code two-tower} (user and item vectors whose dot products are the click and like
 * logits) or {@code dcn} (deep and cross network over the joined user and item inputs, two heads).
 * {@code embed} is the width of user ids and projected features, {@code hidden} of the MLPs,
 * {@code crossLayers} the DCN's cross layers.
 */
public record RecsysConfig(@JsonProperty("kind") String kind, @JsonProperty("users") int users,
        @JsonProperty("feature_width") int featureWidth, @JsonProperty("embed") int embed,
        @JsonProperty("hidden") int hidden, @JsonProperty("cross_layers") int crossLayers) {
    public static final List<String> KINDS = List.of("two-tower", "dcn");

    public RecsysConfig {
        if (!KINDS.contains(kind)) {
            throw new UserInputException("unknown ranker '" + kind + "': use two-tower or dcn");
        }
        if (users < 1 || featureWidth < 1 || embed < 1 || hidden < 1 || crossLayers < 0) {
            throw new UserInputException("ranker widths must be >= 1 (cross_layers >= 0)");
        }
    }

    public static RecsysConfig defaults(String kind, int users, int featureWidth) {
        return new RecsysConfig(kind, users, featureWidth, 16, 64, 2);
    }
}
