package io.openautoglm.onnx.quantize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A model folder of ONNX graphs, quantized: every {@code *.onnx} in it goes through
 * {@link Int8Quantizer}, every other file (config, tokenizer, preprocessor) is copied, and
 * provenance.json gains a {@code quantization} block saying what was done.
 */
public final class Int8ModelFolder {
    public static final String PROVENANCE = "provenance.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Int8ModelFolder() {}

    /** The per-file reports, in file-name order. */
    public record Result(Map<String, Int8Report> files) {
        public long bytesBefore() {
            return files.values().stream().mapToLong(Int8Report::bytesBefore).sum();
        }

        public long bytesAfter() {
            return files.values().stream().mapToLong(Int8Report::bytesAfter).sum();
        }

        /** The {@code quantization} block of provenance.json. */
        public ObjectNode toJson(Int8Options options) {
            ObjectNode o = JSON.createObjectNode();
            o.put("method", "dynamic int8 (weights symmetric int8, activations uint8 at run time)");
            o.put("weights", options.perColumn() ? "per-column scales" : "per-tensor scales");
            o.put("kernel", options.kernel().name().toLowerCase());
            o.put("min_weight_elements", options.minWeightElements());
            o.put("embeddings", options.quantizeEmbeddings());
            options.excludedNodes().stream().sorted().forEach(o.putArray("excluded_nodes")::add);
            o.put("bytes_fp32", bytesBefore());
            o.put("bytes_int8", bytesAfter());
            ObjectNode per = o.putObject("files");
            files.forEach((name, r) -> per.set(name, r.toJson()));
            o.put("time", Instant.now().toString());
            return o;
        }
    }

    /** Quantizes {@code source}'s graphs into {@code target} (an existing empty folder) and copies the rest. */
    public static Result quantize(Path source, Path target, Int8Options options) throws IOException {
        if (!Files.isDirectory(source)) {
            throw new UserInputException("no such model folder: " + source);
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(source)) {
            entries = new ArrayList<>(s.sorted().toList());
        }
        if (entries.stream().noneMatch(Int8ModelFolder::isOnnx)) {
            throw new UserInputException(source + " holds no *.onnx graph: export the model first (autoglm export onnx)");
        }
        Map<String, Int8Report> reports = new LinkedHashMap<>();
        for (Path p : entries) {
            Path dst = target.resolve(p.getFileName().toString());
            if (isOnnx(p)) {
                reports.put(p.getFileName().toString(), Int8Quantizer.quantize(p, dst, options));
            } else if (Files.isRegularFile(p)) {
                Files.copy(p, dst, StandardCopyOption.COPY_ATTRIBUTES);
            } else if (Files.isDirectory(p)) {
                copyTree(p, dst);
            }
        }
        return new Result(reports);
    }

    /** Adds (or replaces) {@code key} in the folder's provenance.json, creating the file if it has none. */
    public static void extendProvenance(Path dir, String key, JsonNode value) throws IOException {
        Path file = dir.resolve(PROVENANCE);
        JsonNode existing = Files.exists(file) ? JSON.readTree(file.toFile()) : JSON.createObjectNode();
        if (!(existing instanceof ObjectNode root)) {
            throw new UserInputException(file + " is not a JSON object; fix or remove it");
        }
        root.set(key, value);
        AtomicFiles.writeString(file, JSON.writeValueAsString(root) + "\n");
    }

    private static boolean isOnnx(Path p) {
        return Files.isRegularFile(p) && p.getFileName().toString().endsWith(".onnx");
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path d = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(d);
                } else {
                    Files.copy(p, d, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
