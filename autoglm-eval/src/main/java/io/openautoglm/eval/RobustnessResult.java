package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.image.corrupt.Corruption;
import java.util.List;
import java.util.Map;

/**
 * A task's scores on clean and corrupted pictures. {@code relative} is a corruption's mean score
 * over its severities divided by the clean score; the robustness score is the mean of
 * corrupted / clean over every corruption and severity (a model that corruptions do not hurt
 * scores 1). Both are undefined (JSON null) when the clean score is 0.
 *
 * @param scores per corruption, its severities in the order run
 */
public record RobustnessResult(String task, String metric, long seed, RobustnessTask.Score clean,
                               Map<Corruption, List<Point>> scores) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One severity's score. */
    public record Point(int severity, double value) {}

    public RobustnessResult {
        scores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scores));
    }

    /** The corruption's mean score over its severities. */
    public double mean(Corruption c) {
        return scores.get(c).stream().mapToDouble(Point::value).average().orElse(Double.NaN);
    }

    /** Mean over severities / clean, or NaN when the clean score is 0. */
    public double relative(Corruption c) {
        return clean.value() == 0 ? Double.NaN : mean(c) / clean.value();
    }

    /** The mean of corrupted / clean over every corruption and severity, or NaN when the clean score is 0. */
    public double robustnessScore() {
        if (clean.value() == 0) {
            return Double.NaN;
        }
        return scores.values().stream().flatMap(List::stream).mapToDouble(p -> p.value() / clean.value()).average().orElse(Double.NaN);
    }

    /**
     * {@code {"clean": {...}, "corruptions": {NAME: {"severities": [{"severity": 1, METRIC: ...}, ...],
     * "mean": ..., "relative": ...}}, "robustness_score": ...}}.
     */
    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.set("clean", clean.details());
        ObjectNode all = o.putObject("corruptions");
        for (Map.Entry<Corruption, List<Point>> e : scores.entrySet()) {
            ObjectNode one = all.putObject(e.getKey().id());
            ArrayNode list = one.putArray("severities");
            for (Point p : e.getValue()) {
                list.addObject().put("severity", p.severity()).put(metric, p.value());
            }
            one.put("mean", mean(e.getKey()));
            putOrNull(one, "relative", relative(e.getKey()));
        }
        putOrNull(o, "robustness_score", robustnessScore());
        return o;
    }

    private static void putOrNull(ObjectNode o, String key, double v) {
        if (Double.isNaN(v)) {
            o.putNull(key);
        } else {
            o.put(key, v);
        }
    }
}
