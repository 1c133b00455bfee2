package io.openautoglm.onnx;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.model.clip.ModelDirectory;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.onnx.graph.GraphBuilder;
import io.openautoglm.onnx.graph.TowerGraphs;
import io.openautoglm.onnx.graph.TowerWeights;
import io.openautoglm.onnx.runtime.OnnxModelFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a folder laid out as Hugging Face Optimum exports CLIP, from our own graphs: Optimum's file,
 * input and output names (text_model.onnx with input_ids + attention_mask -> text_embeds,
 * last_hidden_state; vision_model.onnx with pixel_values -> image_embeds, last_hidden_state; or one
 * model.onnx with logits and normalized embeddings) and its config files (config.json as
 * CLIPConfig, preprocessor_config.json as CLIPImageProcessor, tokenizer.json). What the bring-your-own
 * path is tested on without Python; no export check, no provenance (Optimum writes none).
 */
public final class OptimumStyleExport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private OptimumStyleExport() {}

    /** vision_model.onnx + text_model.onnx. */
    public static void writeSplit(MultimodalModel model, Path dir, int opset) throws IOException {
        TowerGraphs towers = new TowerGraphs(model.config(), TowerWeights.of(model.network()));
        GraphBuilder vision = new GraphBuilder("vision_model");
        towers.imageGraph(vision, true);
        GraphBuilder text = new GraphBuilder("text_model");
        towers.textGraph(text, true);
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(OnnxModelFolder.OPTIMUM_VISION_MODEL), vision.build(opset, "optimum-style", Map.of())::writeTo);
        AtomicFiles.write(dir.resolve(OnnxModelFolder.TEXT_MODEL), text.build(opset, "optimum-style", Map.of())::writeTo);
        writeConfigs(model, dir);
    }

    /** One model.onnx with both towers. */
    public static void writeCombined(MultimodalModel model, Path dir, int opset) throws IOException {
        TowerGraphs towers = new TowerGraphs(model.config(), TowerWeights.of(model.network()));
        GraphBuilder both = new GraphBuilder("clip");
        towers.combinedGraph(both, (float) Math.log(model.logitScale()));
        Files.createDirectories(dir);
        AtomicFiles.write(dir.resolve(OnnxModelFolder.OPTIMUM_MODEL), both.build(opset, "optimum-style", Map.of())::writeTo);
        writeConfigs(model, dir);
    }

    private static void writeConfigs(MultimodalModel model, Path dir) throws IOException {
        ObjectNode config = model.config().toJson();
        config.remove("format"); // a Hugging Face CLIPConfig, not ours
        config.putArray("architectures").add("CLIPModel");
        AtomicFiles.writeString(dir.resolve(ModelDirectory.CONFIG), JSON.writeValueAsString(config));
        PreprocessorConfig p = model.preprocessor();
        ObjectNode pre = JSON.createObjectNode();
        pre.put("image_processor_type", "CLIPImageProcessor");
        pre.putObject("crop_size").put("height", p.imageSize()).put("width", p.imageSize());
        pre.putObject("size").put("shortest_edge", p.imageSize());
        pre.put("do_resize", true);
        pre.put("do_center_crop", true);
        pre.put("do_normalize", true);
        pre.put("resample", "bilinear".equals(p.interpolation()) ? 2 : 3); // PIL's codes
        for (float m : p.mean()) {
            pre.withArray("image_mean").add(m);
        }
        for (float s : p.std()) {
            pre.withArray("image_std").add(s);
        }
        AtomicFiles.writeString(dir.resolve(ModelDirectory.HF_PREPROCESSOR), JSON.writeValueAsString(pre));
        byte[] tokenizer = model.tokenizerJson();
        AtomicFiles.write(dir.resolve(ModelDirectory.TOKENIZER), o -> o.write(tokenizer));
    }
}
