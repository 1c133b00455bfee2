package io.openautoglm.onnx.runtime;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.ModelFolderLoader;
import io.openautoglm.core.Provenance;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.core.model.clip.CheckpointLayout;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.ModelDirectory;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.onnx.graph.TowerGraphs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX model folders we run, recognized by their files: ours ({@code autoglm export onnx}:
 * image_model.onnx + text_model.onnx), and Hugging Face Optimum's CLIP exports (vision_model.onnx +
 * text_model.onnx, or one model.onnx), each with config.json and tokenizer.json. Registered for
 * {@link java.util.ServiceLoader}, so {@code MultimodalModel.load} runs such a folder on ONNX Runtime.
 */
public final class OnnxModelFolder implements ModelFolderLoader {
    public static final String IMAGE_MODEL = "image_model.onnx";
    public static final String TEXT_MODEL = "text_model.onnx";
    public static final String OPTIMUM_VISION_MODEL = "vision_model.onnx";
    public static final String OPTIMUM_MODEL = "model.onnx";
    /** Our config.json carries the learned log logit scale under this key (the weights file that held it is not there). */
    public static final String LOGIT_SCALE_KEY = "logit_scale";

    @Override
    public boolean recognizes(Path dir) {
        Path d = ModelDirectory.modelFolder(dir);
        return Files.isDirectory(d) && ModelDirectory.holdsOnnxGraphs(d);
    }

    @Override
    public LoadedFolder load(Path given) {
        Path dir = ModelDirectory.modelFolder(given);
        Path configFile = dir.resolve(ModelDirectory.CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new UserInputException(dir + " holds ONNX graphs but no " + ModelDirectory.CONFIG
                    + " (the model's CLIPConfig, which Optimum copies beside its graphs)");
        }
        JsonNode root = ModelDirectory.readJson(configFile);
        ClipConfig config = ClipConfig.fromHuggingFace(root);
        Path tokenizer = dir.resolve(ModelDirectory.TOKENIZER);
        if (!Files.isRegularFile(tokenizer)) {
            throw new UserInputException(dir + " has no " + ModelDirectory.TOKENIZER + " (the Hugging Face tokenizer file of this model)");
        }
        PreprocessorConfig preprocessor = ModelDirectory.readPreprocessor(dir, config.vision().imageSize());
        Path provenanceFile = dir.resolve(ModelDirectory.PROVENANCE);
        JsonNode provenanceJson = Files.isRegularFile(provenanceFile) ? ModelDirectory.readJson(provenanceFile) : null;
        Provenance provenance = Provenance.fromJson(provenanceJson);

        List<Path> graphs = new ArrayList<>();
        CheckpointLayout layout;
        if (Files.isRegularFile(dir.resolve(IMAGE_MODEL)) || (Files.isRegularFile(dir.resolve(TEXT_MODEL))
                && !Files.isRegularFile(dir.resolve(OPTIMUM_VISION_MODEL)) && !Files.isRegularFile(dir.resolve(OPTIMUM_MODEL)))) {
            layout = CheckpointLayout.ONNX;
            graphs.add(requireFile(dir, IMAGE_MODEL, TEXT_MODEL));
            graphs.add(requireFile(dir, TEXT_MODEL, IMAGE_MODEL));
        } else if (Files.isRegularFile(dir.resolve(OPTIMUM_VISION_MODEL)) && Files.isRegularFile(dir.resolve(TEXT_MODEL))) {
            layout = CheckpointLayout.OPTIMUM_ONNX;
            graphs.add(dir.resolve(OPTIMUM_VISION_MODEL));
            graphs.add(dir.resolve(TEXT_MODEL));
        } else if (Files.isRegularFile(dir.resolve(OPTIMUM_MODEL))) {
            layout = CheckpointLayout.OPTIMUM_ONNX;
            graphs.add(dir.resolve(OPTIMUM_MODEL));
        } else {
            throw new UserInputException(dir + " has " + OPTIMUM_VISION_MODEL + " without " + TEXT_MODEL
                    + ": an Optimum CLIP export has both, or one " + OPTIMUM_MODEL);
        }

        OrtEnvironment env = OnnxSessions.environment();
        List<OrtSession> opened = new ArrayList<>();
        try {
            for (Path graph : graphs) {
                opened.add(OnnxSessions.open(env, graph));
            }
            OrtSession image = opened.get(0);
            OrtSession text = opened.get(opened.size() - 1);
            Map<String, Object[]> imageInputs = new LinkedHashMap<>();
            imageInputs.put(TowerGraphs.PIXELS, new Object[] {OnnxJavaType.FLOAT, 4});
            Map<String, Object[]> textInputs = new LinkedHashMap<>();
            textInputs.put(TowerGraphs.IDS, new Object[] {OnnxJavaType.INT64, 2});
            textInputs.put(TowerGraphs.ATTENTION_MASK, new Object[] {OnnxJavaType.INT64, 2});
            List<String> optional = List.of(TowerGraphs.ATTENTION_MASK);
            if (image == text) {
                Map<String, Object[]> all = new LinkedHashMap<>(textInputs);
                all.putAll(imageInputs);
                OnnxSessions.requireSignature(image, graphs.get(0), all, optional, TowerGraphs.IMAGE_EMBEDS, 2);
                OnnxSessions.requireSignature(image, graphs.get(0), all, optional, TowerGraphs.TEXT_EMBEDS, 2);
            } else {
                OnnxSessions.requireSignature(image, graphs.get(0), imageInputs, List.of(), TowerGraphs.IMAGE_EMBEDS, 2);
                OnnxSessions.requireSignature(text, graphs.get(1), textInputs, optional, TowerGraphs.TEXT_EMBEDS, 2);
            }
            OnnxEmbeddingRuntime runtime = new OnnxEmbeddingRuntime(env, image, text, preprocessor.imageSize(),
                    config.projectionDim(), config.text().eosId());
            float logitScale = logitScale(root, config);
            return new LoadedFolder(runtime, config, preprocessor, tokenizer, provenance, logitScale,
                    parameterCounts(provenanceJson, graphs), layout, memoized(() -> weightsIdentity(provenanceJson, graphs)));
        } catch (RuntimeException e) {
            for (OrtSession s : opened) {
                try {
                    s.close();
                } catch (Exception ignored) {
                    // already failing: the first error is the one to report
                }
            }
            throw e;
        }
    }

    private static Path requireFile(Path dir, String name, String partner) {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(dir + " has " + partner + " but no " + name + ": an ONNX export from "
                    + "autoglm export onnx has both towers");
        }
        return file;
    }

    /** exp(logit_scale): ours from config.json; else exp of config's logit_scale_init_value (Optimum's config has only that). */
    private static float logitScale(JsonNode root, ClipConfig config) {
        if (root.has(LOGIT_SCALE_KEY) && root.get(LOGIT_SCALE_KEY).isNumber()) {
            return (float) Math.exp(root.get(LOGIT_SCALE_KEY).asDouble());
        }
        return (float) Math.exp(config.logitScaleInit());
    }

    /** Ours: the counts the export recorded; others: estimated from the graph files' sizes (4 bytes a float weight). */
    private static Map<String, Long> parameterCounts(JsonNode provenance, List<Path> graphs) {
        JsonNode recorded = provenance == null ? null : provenance.path("parameters");
        Map<String, Long> counts = new LinkedHashMap<>();
        if (recorded != null && recorded.has("total")) {
            for (String k : new String[] {"vision", "text", "projections", "fusion", "total"}) {
                counts.put(k, recorded.path(k).asLong(0));
            }
            return counts;
        }
        long vision = graphs.size() == 2 ? size(graphs.get(0)) / 4 : 0;
        long text = graphs.size() == 2 ? size(graphs.get(1)) / 4 : 0;
        long total = graphs.size() == 2 ? vision + text : size(graphs.get(0)) / 4;
        counts.put("vision", vision);
        counts.put("text", text);
        counts.put("projections", 0L);
        counts.put("fusion", 0L);
        counts.put("total", total);
        return counts;
    }

    /** Our export: the checkpoint it was exported from (and checked against); others: SHA-256 over the graph files. */
    private static String weightsIdentity(JsonNode provenance, List<Path> graphs) {
        if (provenance != null && provenance.path("source_weights_sha256").isTextual()) {
            return provenance.get("source_weights_sha256").asText();
        }
        MessageDigest digest = Sha256.newDigest();
        byte[] buffer = new byte[1 << 16];
        for (Path graph : graphs) {
            try (InputStream in = Files.newInputStream(graph)) {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new UserInputException("cannot read " + graph + ": " + e.getMessage(), e);
            }
        }
        return Sha256.hex(digest);
    }

    private static java.util.function.Supplier<String> memoized(java.util.function.Supplier<String> compute) {
        String[] value = new String[1];
        return () -> {
            synchronized (value) {
                if (value[0] == null) {
                    value[0] = compute.get();
                }
                return value[0];
            }
        };
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
