package io.openautoglm.core.routing;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.ZeroShotClassifier;
import io.openautoglm.core.ZeroShotResult;
import io.openautoglm.core.image.RgbImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot classification with a light student and a heavy teacher: the student classifies every
 * picture; where its margin (top-1 minus top-2 probability) is at or above the threshold its answer
 * stands, otherwise the teacher classifies that picture and its answer is returned. Each model scores
 * against its own label embeddings, so the two need not share an embedding space (only the labels
 * and templates). It uses nothing but {@link MultimodalModel}'s embedding API, so any backend
 * (DJL, ONNX Runtime) can be either side. The models stay the caller's.
 */
public final class ZeroShotRouter {
    /** Above every margin: a router with this threshold sends every picture to the teacher. */
    public static final double ALL_TO_TEACHER = Math.nextUp(1.0);

    private final MultimodalModel student;
    private final MultimodalModel teacher;
    private final double threshold;

    public ZeroShotRouter(MultimodalModel student, MultimodalModel teacher, double threshold) {
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("the routing threshold must be a finite number >= 0, got " + threshold);
        }
        this.student = student;
        this.teacher = teacher;
        this.threshold = threshold;
    }

    public double threshold() {
        return threshold;
    }

    /** Top-1 minus top-2 probability; 1 with a single label (nothing to confuse it with). */
    public static float margin(ZeroShotResult result) {
        List<ZeroShotResult.LabelScore> l = result.labels();
        return l.size() < 2 ? 1f : l.get(0).score() - l.get(1).score();
    }

    /** The student answers at or above the threshold: 0 sends everything to it, above 1 nothing. */
    public static Route decide(float margin, double threshold) {
        return margin >= threshold ? Route.STUDENT : Route.TEACHER;
    }

    /** Each picture's answer, in order; the teacher runs once, on the pictures the student deferred. */
    public List<RoutedResult> classify(List<RgbImage> images, List<String> labels, List<String> templates) {
        List<ZeroShotResult> fromStudent = ZeroShotClassifier.classify(student, images, labels, templates);
        List<Integer> deferred = new ArrayList<>();
        float[] margins = new float[images.size()];
        for (int i = 0; i < images.size(); i++) {
            margins[i] = margin(fromStudent.get(i));
            if (decide(margins[i], threshold) == Route.TEACHER) {
                deferred.add(i);
            }
        }
        List<ZeroShotResult> fromTeacher = deferred.isEmpty() ? List.of()
                : ZeroShotClassifier.classify(teacher, deferred.stream().map(images::get).toList(), labels, templates);
        List<RoutedResult> out = new ArrayList<>();
        int next = 0;
        for (int i = 0; i < images.size(); i++) {
            boolean toTeacher = next < deferred.size() && deferred.get(next) == i;
            out.add(toTeacher ? new RoutedResult(fromTeacher.get(next++), Route.TEACHER, margins[i])
                    : new RoutedResult(fromStudent.get(i), Route.STUDENT, margins[i]));
        }
        return out;
    }
}
