package io.openautoglm.defects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.checkpoint.SafetensorsWriter;
import io.openautoglm.core.io.FileTrees;
import io.openautoglm.core.io.Sha256;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The detector folder: {@code detector.json} (format, settings, categories with their prompt
 * embeddings, centroids and statistics, method weights, threshold, head classes, and provenance:
 * the model folder and its weights' SHA-256, the training manifest, validation figures) and
 * {@code banks.safetensors} (each category's two memory banks, the head's weights). The folder is
 * written beside its target and renamed into place, so it is complete or absent.
 */
public final class DetectorFiles {
    public static final String FORMAT = "open-autoglm-defect-detector";
    public static final int VERSION = 2; // 2: the pixel bank
    static final String JSON_FILE = "detector.json";
    static final String TENSORS_FILE = "banks.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper();

    private DetectorFiles() {}

    /** SHA-256 of a model folder's weights file, or null when it has no {@code model.safetensors}. */
    public static String weightsSha256(Path modelDir) throws IOException {
        Path weights = modelDir.resolve("model.safetensors");
        return Files.isRegularFile(weights) ? Sha256.of(weights) : null;
    }

    public static void save(Detector d, Path out, boolean overwrite) throws IOException {
        Path target = out.toAbsolutePath().normalize();
        if (Files.exists(target)) {
            boolean emptyDir = Files.isDirectory(target) && isEmpty(target);
            if (!emptyDir && !(overwrite && Files.isRegularFile(target.resolve(JSON_FILE)))) {
                throw new UserInputException("detector folder " + out + " exists and is not empty"
                        + (overwrite ? " and holds no detector.json (refusing to replace it)" : ": pass --overwrite to replace a detector, or pick another --out"));
            }
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
        try {
            Map<String, SafetensorsWriter.Tensor> tensors = new TreeMap<>();
            ObjectNode root = JSON.createObjectNode();
            root.put("format", FORMAT);
            root.put("version", VERSION);
            Detector.Settings s = d.settings();
            ObjectNode settings = root.putObject("settings");
            settings.put("tiles", s.tiles());
            ArrayNode layers = settings.putArray("layers");
            for (int l : s.layers()) {
                layers.add(l);
            }
            settings.put("coreset_fraction", s.coresetFraction());
            settings.put("max_bank_size", s.maxBankSize());
            settings.put("target_false_alarm", s.targetFalseAlarm());
            settings.put("validation_fraction", s.validationFraction());
            settings.put("seed", s.seed());
            root.put("threshold", d.threshold());
            ObjectNode weights = root.putObject("weights");
            for (int m = 0; m < Detector.METHODS.size(); m++) {
                weights.put(Detector.METHODS.get(m), d.weights()[m]);
            }
            ArrayNode categories = root.putArray("categories");
            for (Detector.Category c : d.categories().values()) {
                ObjectNode node = categories.addObject();
                node.put("name", c.name());
                node.set("centroid", floats(c.centroid()));
                node.set("prompt_normal", floats(c.prompts()[0]));
                node.set("prompt_damaged", floats(c.prompts()[1]));
                ObjectNode stats = node.putObject("stats");
                for (int m = 0; m < Detector.METHODS.size(); m++) {
                    stats.putObject(Detector.METHODS.get(m)).put("mean", c.stats()[m].mean()).put("std", c.stats()[m].std());
                }
                node.put("bank_size", c.bank().size());
                tensors.put("bank." + c.name(), matrix(c.bank().rows()));
                node.put("pixel_bank_size", c.pixelBank().size());
                tensors.put("pixel_bank." + c.name(), matrix(c.pixelBank().rows()));
            }
            if (d.head() != null) {
                ArrayNode classes = root.putObject("head").putArray("classes");
                d.head().classes().forEach(classes::add);
                tensors.put("head.weight", matrix(d.head().weight()));
                tensors.put("head.bias", new SafetensorsWriter.Tensor(new long[] {d.head().bias().length}, d.head().bias()));
            }
            root.set("provenance", d.provenance());
            SafetensorsWriter.write(tmp.resolve(TENSORS_FILE), tensors, Map.of("format", FORMAT));
            Files.writeString(tmp.resolve(JSON_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
            try (FileChannel ch = FileChannel.open(tmp.resolve(JSON_FILE), StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (Files.exists(target)) {
                FileTrees.delete(target);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) {
                FileTrees.delete(tmp);
            }
        }
    }

    /**
     * Loads a detector and its model: {@code modelOverride}, else the model folder it was fitted with.
     * Refuses a model whose weights differ from the ones the detector was fitted on.
     */
    public static Detector load(Path dir, Path modelOverride) {
        Path json = dir.resolve(JSON_FILE);
        if (!Files.isDirectory(dir)) {
            throw new UserInputException("detector folder " + dir + " does not exist: make one with `autoglm defects fit --manifest TRAIN --out " + dir + "`");
        }
        if (!Files.isRegularFile(json) || !Files.isRegularFile(dir.resolve(TENSORS_FILE))) {
            throw new UserInputException(dir + " is not a detector folder (no " + JSON_FILE + " and " + TENSORS_FILE
                    + "): make one with `autoglm defects fit`");
        }
        JsonNode root;
        try {
            root = JSON.readTree(json.toFile());
        } catch (IOException e) {
            throw new UserInputException("cannot read " + json + ": " + e.getMessage(), e);
        }
        if (FORMAT.equals(root.path("format").asText()) && root.path("version").asInt() < VERSION) {
            throw new UserInputException(json + " was fitted by an earlier version (detector version " + root.path("version").asInt()
                    + ", this one reads " + VERSION + ": it has no pixel bank): fit it again with `autoglm defects fit`");
        }
        if (!FORMAT.equals(root.path("format").asText()) || root.path("version").asInt() > VERSION) {
            throw new UserInputException(json + " is not a detector this version reads (format " + root.path("format").asText()
                    + ", version " + root.path("version").asInt() + ")");
        }
        JsonNode prov = root.path("provenance");
        Path modelDir = modelOverride != null ? modelOverride : Path.of(prov.path("model").path("path").asText());
        String expected = prov.path("model").path("weights_sha256").asText(null);
        try {
            String actual = weightsSha256(modelDir);
            if (expected != null && actual != null && !expected.equals(actual)) {
                throw new UserInputException("detector " + dir + " was fitted on other model weights (sha256 " + expected.substring(0, 12)
                        + "...) than " + modelDir + " holds (" + actual.substring(0, 12) + "...): fit it again with this model");
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read the model weights in " + modelDir + ": " + e.getMessage(), e);
        }
        JsonNode s = root.path("settings");
        int[] layers = new int[s.path("layers").size()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = s.path("layers").get(i).asInt();
        }
        Detector.Settings settings = new Detector.Settings(s.path("tiles").asInt(1), layers, s.path("coreset_fraction").asDouble(),
                s.path("max_bank_size").asInt(), s.path("target_false_alarm").asDouble(), s.path("validation_fraction").asDouble(),
                s.path("seed").asLong());
        MultimodalModel model = MultimodalModel.load(modelDir);
        try (SafetensorsReader tensors = SafetensorsReader.open(dir.resolve(TENSORS_FILE))) {
            Map<String, Detector.Category> categories = new LinkedHashMap<>();
            for (JsonNode c : root.path("categories")) {
                String name = c.path("name").asText();
                Detector.Stats[] stats = new Detector.Stats[Detector.METHODS.size()];
                for (int m = 0; m < stats.length; m++) {
                    JsonNode st = c.path("stats").path(Detector.METHODS.get(m));
                    stats[m] = new Detector.Stats(st.path("mean").asDouble(), st.path("std").asDouble(1));
                }
                float[][] bank = rows(tensors, "bank." + name);
                categories.put(name, new Detector.Category(name, floats(c.path("centroid")),
                        new float[][] {floats(c.path("prompt_normal")), floats(c.path("prompt_damaged"))},
                        new MemoryBank(model.manager(), bank), new MemoryBank(model.manager(), rows(tensors, "pixel_bank." + name)), stats));
            }
            DefectHead head = null;
            if (root.has("head")) {
                List<String> classes = new ArrayList<>();
                root.path("head").path("classes").forEach(n -> classes.add(n.asText()));
                head = new DefectHead(classes, rows(tensors, "head.weight"), tensors.readFloats("head.bias"));
            }
            double[] weights = new double[Detector.METHODS.size()];
            for (int m = 0; m < weights.length; m++) {
                weights[m] = root.path("weights").path(Detector.METHODS.get(m)).asDouble();
            }
            return new Detector(model, modelDir, settings, categories, head, weights, root.path("threshold").asDouble(),
                    (ObjectNode) prov);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private static float[][] rows(SafetensorsReader reader, String name) {
        long[] shape = reader.info(name).shape();
        float[] flat = reader.readFloats(name);
        int cols = (int) shape[1];
        float[][] out = new float[(int) shape[0]][cols];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }

    private static SafetensorsWriter.Tensor matrix(float[][] rows) {
        int cols = rows[0].length;
        float[] flat = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * cols, cols);
        }
        return new SafetensorsWriter.Tensor(new long[] {rows.length, cols}, flat);
    }

    private static ArrayNode floats(float[] v) {
        ArrayNode a = JSON.createArrayNode();
        for (float x : v) {
            a.add(x);
        }
        return a;
    }

    private static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) a.get(i).asDouble();
        }
        return v;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
