package io.openautoglm.eval;

import io.openautoglm.core.image.corrupt.Corruption;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Robustness under corruptions: a task scored on clean pictures, then once per corruption and
 * severity with every picture corrupted after decoding and before preprocessing
 * ({@link PictureTransform#corrupt}). Each pass is one line on {@code progress}.
 */
public final class RobustnessEvaluator {
    private final PrintWriter progress;

    /** @param progress where one line per pass goes (stderr), or null for none */
    public RobustnessEvaluator(PrintWriter progress) {
        this.progress = progress;
    }

    public RobustnessResult evaluate(RobustnessTask task, List<Corruption> corruptions, List<Integer> severities, long seed) {
        if (corruptions.isEmpty() || severities.isEmpty()) {
            throw new IllegalArgumentException("need at least one corruption and one severity");
        }
        severities.forEach(Corruption::checkSeverity);
        int passes = 1 + corruptions.size() * severities.size();
        long start = System.nanoTime();
        RobustnessTask.Score clean = task.score(PictureTransform.NONE);
        report(1, passes, "clean", task.metric(), clean.value(), start);
        Map<Corruption, List<RobustnessResult.Point>> scores = new LinkedHashMap<>();
        int pass = 1;
        for (Corruption c : corruptions) {
            List<RobustnessResult.Point> points = new ArrayList<>();
            for (int s : severities) {
                RobustnessTask.Score score = task.score(PictureTransform.corrupt(task.manifest(), c, s, seed));
                points.add(new RobustnessResult.Point(s, score.value()));
                report(++pass, passes, c.id() + " severity " + s, task.metric(), score.value(), start);
            }
            scores.put(c, List.copyOf(points));
        }
        return new RobustnessResult(task.name(), task.metric(), seed, clean, scores);
    }

    private void report(int pass, int passes, String what, String metric, double value, long start) {
        if (progress == null) {
            return;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.printf(Locale.ROOT, "robustness: pass %d/%d %-26s %s %.4f (%.0f s, about %.0f s left)%n", pass, passes, what, metric,
                value, seconds, seconds / pass * (passes - pass));
        progress.flush();
    }
}
