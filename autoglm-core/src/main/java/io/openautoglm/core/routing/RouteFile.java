package io.openautoglm.core.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.core.model.clip.ModelDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * ROUTE.json, what {@code autoglm route calibrate} writes: the threshold, what it measured, and which
 * two models it was measured for (SHA-256 of each one's weights), so a threshold is never applied to
 * other models than the ones it was chosen for.
 *
 * @param calibration the threshold and the figures measured at it
 * @param setup       manifest, label key, labels and templates the figures were measured with
 */
public record RouteFile(RouteCalibration calibration, double targetAgreement, ModelRef student, ModelRef teacher,
                        ObjectNode setup) {
    public static final String FORMAT = "autoglm-route/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A model the file was made for: where it was, and the SHA-256 standing for its weights. */
    public record ModelRef(String path, String weightsSha256) {
        public static ModelRef of(Path dir, MultimodalModel model) {
            return new ModelRef(dir.toAbsolutePath().normalize().toString(), RouteFile.weightsSha256(dir, model));
        }
    }

    /**
     * The SHA-256 standing for a loaded model's weights: its model.safetensors on DJL; for an ONNX
     * folder, the export's own (the source checkpoint's, which the export check showed it agrees with).
     */
    public static String weightsSha256(Path dir, MultimodalModel model) {
        if (!model.runsOnDjl()) {
            return model.foreignWeightsSha256();
        }
        Path weights = ModelDirectory.read(dir).weights();
        try {
            return Sha256.of(weights);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + weights + " to hash it: " + e.getMessage(), e);
        }
    }

    public double threshold() {
        return calibration.threshold();
    }

    /** Writes the file atomically (temporary name, fsync, rename). */
    public void write(Path file) throws IOException {
        AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson()) + "\n");
    }

    public ObjectNode toJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("threshold", calibration.threshold());
        o.put("rule", "the student answers when its top-1 minus top-2 probability is >= threshold, else the teacher");
        o.put("target_agreement", targetAgreement);
        o.put("agreement", calibration.agreement());
        o.put("student_share", calibration.studentShare());
        o.put("student_alone_agreement", calibration.studentAgreement());
        o.put("count", calibration.count());
        o.set("student", ref(student));
        o.set("teacher", ref(teacher));
        o.set("calibration_set", setup);
        o.put("autoglm_version", MultimodalModel.VERSION);
        o.put("created", Instant.now().toString());
        return o;
    }

    private static ObjectNode ref(ModelRef m) {
        return JSON.createObjectNode().put("path", m.path()).put("weights_sha256", m.weightsSha256());
    }

    /** Reads ROUTE.json; one clear line for a missing, unreadable or foreign file. */
    public static RouteFile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("route file " + file + (Files.exists(file) ? " is not a file" : " does not exist")
                    + ": make one with `autoglm route calibrate --student DIR --teacher DIR --manifest F --out " + file + "`");
        }
        JsonNode o;
        try {
            o = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserInputException("route file " + file + " is not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "): make it again with `autoglm route calibrate`");
        }
        if (o == null || !FORMAT.equals(o.path("format").asText()) || !o.path("threshold").isNumber()
                || !o.path("student").path("weights_sha256").isTextual() || !o.path("teacher").path("weights_sha256").isTextual()) {
            throw new UserInputException("route file " + file + " is not a route file of this version (expected format "
                    + FORMAT + " with threshold, student and teacher): make it again with `autoglm route calibrate`");
        }
        RouteCalibration c = new RouteCalibration(o.path("threshold").asDouble(), o.path("agreement").asDouble(),
                o.path("student_share").asDouble(), o.path("student_alone_agreement").asDouble(), o.path("count").asInt());
        ObjectNode setup = o.path("calibration_set").isObject() ? (ObjectNode) o.path("calibration_set") : JSON.createObjectNode();
        return new RouteFile(c, o.path("target_agreement").asDouble(), refOf(o.path("student")), refOf(o.path("teacher")), setup);
    }

    private static ModelRef refOf(JsonNode o) {
        return new ModelRef(o.path("path").asText(""), o.path("weights_sha256").asText());
    }

    /**
     * Refuses models other than the two this file was calibrated for, with one line naming which side
     * differs; a threshold chosen for one pair says nothing about another.
     */
    public void requireModels(Path file, ModelRef givenStudent, ModelRef givenTeacher) {
        for (var side : List.of(new Object[] {"student", student, givenStudent}, new Object[] {"teacher", teacher, givenTeacher})) {
            ModelRef recorded = (ModelRef) side[1];
            ModelRef given = (ModelRef) side[2];
            if (!recorded.weightsSha256().equals(given.weightsSha256())) {
                throw new UserInputException("route file " + file + " was calibrated for the " + side[0] + " " + recorded.path()
                        + " (weights sha256 " + shortHash(recorded.weightsSha256()) + "), not " + given.path() + " (weights sha256 "
                        + shortHash(given.weightsSha256()) + "): calibrate again with `autoglm route calibrate` for these models");
            }
        }
    }

    private static String shortHash(String sha) {
        return sha.substring(0, Math.min(12, sha.length())) + "...";
    }
}
