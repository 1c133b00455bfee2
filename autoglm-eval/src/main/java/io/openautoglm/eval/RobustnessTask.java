package io.openautoglm.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.data.Manifest;

/**
 * One evaluation that {@link RobustnessEvaluator} reruns under each corruption: it prepares once
 * what does not depend on the pictures (labels, text embeddings) and scores as often as asked,
 * with the pictures passed through a transform. {@link RobustnessTasks} has the zero-shot,
 * retrieval and VQA ones; a new task (defect inspection) implements this and is added there.
 */
public interface RobustnessTask {
    /** The task's name, e.g. {@code zero-shot}. */
    String name();

    /** The one number compared across corruptions, as it is named in {@link Score#details()}, e.g. {@code top1}. */
    String metric();

    /** The manifest whose pictures are scored (the report shows some of them corrupted). */
    Manifest manifest();

    /** Records whose pictures the task scores, in order (the report shows the first few corrupted). */
    default java.util.List<io.openautoglm.core.data.ManifestRecord> pictures() {
        return manifest().records();
    }

    /** Runs the task with every picture passed through {@code transform}. */
    Score score(PictureTransform transform);

    /** The headline metric and the task's full metrics as its own command prints them in JSON. */
    record Score(double value, ObjectNode details) {}
}
