package io.openautoglm.core;

import java.util.List;

/** Labels of one image, best first, with softmax scores over all labels. */
public record ZeroShotResult(List<LabelScore> labels) {
    public record LabelScore(String label, float score) {}

    public LabelScore best() {
        return labels.get(0);
    }
}
