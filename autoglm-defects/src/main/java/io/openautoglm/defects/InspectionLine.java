package io.openautoglm.defects;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The line-side answer for one part: {@code {"image", "verdict": "good" | "defect", "score", "defect_type", "category", "ms"}}. */
public final class InspectionLine {
    private static final ObjectMapper JSON = new ObjectMapper();

    private InspectionLine() {}

    public static ObjectNode of(String image, Detector.Inspection r, double millis) {
        ObjectNode o = JSON.createObjectNode();
        o.put("image", image);
        o.put("verdict", r.defect() ? "defect" : "good");
        o.put("score", r.scores().combined());
        if (r.defectType() == null) {
            o.putNull("defect_type");
        } else {
            o.put("defect_type", r.defectType());
        }
        o.put("category", r.category());
        o.put("ms", Math.round(millis * 10) / 10.0);
        return o;
    }

    /** A picture that could not be inspected: {@code {"image", "error"}}. */
    public static ObjectNode error(String image, String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("image", image);
        o.put("error", message);
        return o;
    }
}
