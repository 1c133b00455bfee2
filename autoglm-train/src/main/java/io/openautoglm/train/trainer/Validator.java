package io.openautoglm.train.trainer;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import java.util.Map;

/**
 * Periodic evaluation on the validation manifest, supplied by the caller (the evaluation module
 * implements retrieval and zero-shot), so training does not depend on it. Metric names are dotted
 * paths such as {@code text_to_image.R@1}; higher is better for the one that picks the best checkpoint.
 */
@FunctionalInterface
public interface Validator {
    Map<String, Double> validate(MultimodalModel model, Manifest validation);
}
