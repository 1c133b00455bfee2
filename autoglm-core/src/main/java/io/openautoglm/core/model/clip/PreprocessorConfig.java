package io.openautoglm.core.model.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Preprocessing settings; read from our preprocessor.json or an open_clip preprocess_cfg, else
 * CLIP defaults.
 *
 * @param imageSize     side S of the square model input, in pixels
 * @param mean          per-channel mean (R, G, B) subtracted after scaling to [0, 1]
 * @param std           per-channel standard deviation (R, G, B) divided by afterwards
 * @param interpolation "bicubic" or "bilinear" (Pillow's filters)
 * @param resizeMode    "shortest" (resize the shorter side to S, centre-crop: OpenAI CLIP) or
 *                      "squash" (resize both sides to S, no crop: open_clip's squash)
 */
public record PreprocessorConfig(int imageSize, float[] mean, float[] std, String interpolation, String resizeMode) {

    /** OpenAI CLIP's normalization constants (clip/clip.py _transform). */
    public static final float[] OPENAI_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    public static final float[] OPENAI_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private static final Set<String> INTERPOLATIONS = Set.of("bicubic", "bilinear");
    // open_clip also has "longest" (resize the longer side, pad); not implemented, so refused
    private static final Set<String> RESIZE_MODES = Set.of("shortest", "squash");

    public PreprocessorConfig {
        if (imageSize <= 0) {
            throw bad("image_size must be a positive number of pixels, got " + imageSize);
        }
        mean = checkTriple("mean", mean);
        std = checkTriple("std", std);
        for (float s : std) {
            if (!(s > 0)) {
                throw bad("std values must be > 0, got " + Arrays.toString(std));
            }
        }
        for (float m : mean) {
            if (!Float.isFinite(m)) {
                throw bad("mean values must be finite, got " + Arrays.toString(mean));
            }
        }
        interpolation = interpolation == null ? null : interpolation.toLowerCase(Locale.ROOT);
        if (!INTERPOLATIONS.contains(interpolation)) {
            throw bad("interpolation must be one of " + INTERPOLATIONS + ", got " + interpolation);
        }
        resizeMode = resizeMode == null ? null : resizeMode.toLowerCase(Locale.ROOT);
        if (!RESIZE_MODES.contains(resizeMode)) {
            throw bad("resize_mode must be one of " + RESIZE_MODES + ", got " + resizeMode);
        }
    }

    /** OpenAI CLIP's preprocessing at {@code imageSize}: bicubic, shortest side, centre crop. */
    public static PreprocessorConfig clipDefaults(int imageSize) {
        return new PreprocessorConfig(imageSize, OPENAI_MEAN, OPENAI_STD, "bicubic", "shortest");
    }

    /**
     * Reads our preprocessor.json, an open_clip {@code preprocess_cfg} or a Hugging Face
     * preprocessor_config.json; missing keys fall back to {@link #clipDefaults}.
     */
    public static PreprocessorConfig fromJson(JsonNode node, int defaultImageSize) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return clipDefaults(defaultImageSize);
        }
        if (!node.isObject()) {
            throw bad("expected a JSON object, got " + node.getNodeType());
        }
        JsonNode sizeNode = first(node, "image_size", "size");
        int size = sizeNode == null ? defaultImageSize : readSize(sizeNode);
        JsonNode meanNode = first(node, "mean", "image_mean");
        JsonNode stdNode = first(node, "std", "image_std");
        float[] mean = meanNode == null ? OPENAI_MEAN : readFloats("mean", meanNode);
        float[] std = stdNode == null ? OPENAI_STD : readFloats("std", stdNode);
        String interpolation = node.hasNonNull("interpolation") ? node.get("interpolation").asText() : "bicubic";
        String resizeMode = node.hasNonNull("resize_mode") ? node.get("resize_mode").asText() : "shortest";
        return new PreprocessorConfig(size, mean, std, interpolation, resizeMode);
    }

    /** The preprocessor.json form; {@link #fromJson} reads it back unchanged. */
    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("image_size", imageSize);
        ArrayNode m = out.putArray("mean");
        ArrayNode s = out.putArray("std");
        for (int c = 0; c < 3; c++) {
            m.add(mean[c]);
            s.add(std[c]);
        }
        out.put("interpolation", interpolation);
        out.put("resize_mode", resizeMode);
        return out;
    }

    // Arrays are copied in and out so a config cannot change after it was validated.
    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessorConfig p && p.imageSize == imageSize
                && Arrays.equals(p.mean, mean) && Arrays.equals(p.std, std)
                && p.interpolation.equals(interpolation) && p.resizeMode.equals(resizeMode);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Integer.hashCode(imageSize) + Arrays.hashCode(mean)) + Arrays.hashCode(std)
                + interpolation.hashCode() * 7 + resizeMode.hashCode();
    }

    @Override
    public String toString() {
        return "PreprocessorConfig[imageSize=" + imageSize + ", mean=" + Arrays.toString(mean) + ", std="
                + Arrays.toString(std) + ", interpolation=" + interpolation + ", resizeMode=" + resizeMode + "]";
    }

    private static JsonNode first(JsonNode node, String key, String alias) {
        if (node.hasNonNull(key)) {
            return node.get(key);
        }
        return node.hasNonNull(alias) ? node.get(alias) : null;
    }

    /** A number, a square [h, w] pair (open_clip), or {"shortest_edge": n} / {"height": n, "width": n} (Hugging Face). */
    private static int readSize(JsonNode n) {
        if (n.isIntegralNumber()) {
            return n.asInt();
        }
        if (n.isArray() && n.size() == 2 && n.get(0).isIntegralNumber() && n.get(0).asInt() == n.get(1).asInt()) {
            return n.get(0).asInt();
        }
        if (n.isObject() && n.hasNonNull("shortest_edge")) {
            return n.get("shortest_edge").asInt();
        }
        if (n.isObject() && n.hasNonNull("height") && n.path("width").asInt() == n.get("height").asInt()) {
            return n.get("height").asInt();
        }
        throw bad("image_size must be a whole number (or a square [h, w] pair), got " + n);
    }

    private static float[] readFloats(String key, JsonNode n) {
        if (!n.isArray()) {
            throw bad(key + " must be a list of 3 numbers, got " + n);
        }
        float[] out = new float[n.size()];
        for (int i = 0; i < out.length; i++) {
            if (!n.get(i).isNumber()) {
                throw bad(key + " must be a list of 3 numbers, got " + n);
            }
            out[i] = (float) n.get(i).asDouble();
        }
        return out;
    }

    private static float[] checkTriple(String key, float[] v) {
        if (v == null || v.length != 3) {
            throw bad(key + " must have 3 values (R, G, B), got " + (v == null ? "none" : Arrays.toString(v)));
        }
        return v.clone();
    }

    private static UserInputException bad(String what) {
        return new UserInputException("Invalid preprocessing config: " + what);
    }
}
