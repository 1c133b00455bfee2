package io.openautoglm.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.CheckpointLayout;
import io.openautoglm.onnx.graph.GraphBuilder;
import io.openautoglm.onnx.graph.TowerGraphs;
import io.openautoglm.onnx.graph.TowerWeights;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders laid out as Hugging Face Optimum exports CLIP (its file, input and output names, its config
 * files), written from the fixture by our own writer, load like ours; broken graphs get one line each.
 */
class BringYourOwnOnnxTest {
    @TempDir
    static Path tmp;
    static Path split;
    static Path combined;

    @BeforeAll
    static void writeFolders() throws Exception {
        split = tmp.resolve("optimum-split");
        combined = tmp.resolve("optimum-combined");
        try (MultimodalModel hf = MultimodalModel.load(Fixture.HF); MultimodalModel openai = MultimodalModel.load(Fixture.OPENAI)) {
            OptimumStyleExport.writeSplit(hf, split, 17);
            OptimumStyleExport.writeCombined(openai, combined, 17);
        }
    }

    @Test
    void splitVisionAndTextGraphsWithAttentionMaskMatchTheReference() {
        try (MultimodalModel m = MultimodalModel.load(split)) {
            assertThat(m.layout()).isEqualTo(CheckpointLayout.OPTIMUM_ONNX);
            assertThat(m.runtime().name()).startsWith("ONNX Runtime");
            assertReferenceEmbeddings(m);
        }
    }

    @Test
    void oneCombinedModelOnnxMatchesTheReference() {
        try (MultimodalModel m = MultimodalModel.load(combined)) {
            assertThat(m.layout()).isEqualTo(CheckpointLayout.OPTIMUM_ONNX);
            assertReferenceEmbeddings(m);
        }
    }

    private static void assertReferenceEmbeddings(MultimodalModel m) {
        float[][] images = m.embedPixels(Fixture.pixels(), 5, true);
        float[][] texts = m.embedTokenIds(Fixture.inputIds(), 4, m.config().text().contextLength(), true);
        assertThat(Fixture.worstCosine(images, Fixture.matrix("image_embeds"))).isGreaterThanOrEqualTo(0.9999);
        assertThat(Fixture.worstCosine(texts, Fixture.matrix("text_embeds"))).isGreaterThanOrEqualTo(0.9999);
        // through the folder's own tokenizer.json and preprocessor_config.json, batched and one by one
        float[][] viaFiles = m.embedImageFiles(Fixture.images(), io.openautoglm.core.EmbedOptions.defaults().withBatchSize(1));
        assertThat(Fixture.worstCosine(viaFiles, Fixture.matrix("image_embeds"))).isGreaterThanOrEqualTo(0.999);
        assertThat(Fixture.worstCosine(m.embedTexts(Fixture.texts()), Fixture.matrix("text_embeds"))).isGreaterThanOrEqualTo(0.9999);
    }

    @Test
    void aFileThatIsNotOnnxGetsOneLine() throws Exception {
        Path dir = copyOf(split, "not-onnx");
        Files.writeString(dir.resolve("text_model.onnx"), "this is a text file, not a graph\n");
        assertOneLine(dir, "text_model.onnx is not an ONNX model");
    }

    @Test
    void aTruncatedFileGetsOneLine() throws Exception {
        Path dir = copyOf(split, "truncated");
        byte[] whole = Files.readAllBytes(dir.resolve("vision_model.onnx"));
        Files.write(dir.resolve("vision_model.onnx"), Arrays.copyOf(whole, whole.length / 2));
        assertOneLine(dir, "vision_model.onnx is truncated or corrupt");
    }

    @Test
    void aGraphWithOtherInputsAndOutputsNamesWhatItHas() throws Exception {
        Path dir = copyOf(split, "wrong-graph");
        try (MultimodalModel hf = MultimodalModel.load(Fixture.HF)) {
            GraphBuilder g = new GraphBuilder("image_in_the_text_slot");
            new TowerGraphs(hf.config(), TowerWeights.of(hf.network())).imageGraph(g, false);
            Files.write(dir.resolve("text_model.onnx"), g.build(17, "test", Map.of()).toByteArray());
        }
        assertOneLine(dir, "text_model.onnx is not the graph we expect", "no input input_ids", "no output text_embeds",
                "found inputs [pixel_values: float[?, 3, 32, 32]]", "outputs [image_embeds: float[?, 32]]");
    }

    @Test
    void halfAPairIsNamed() throws Exception {
        Path dir = copyOf(split, "half");
        Files.delete(dir.resolve("text_model.onnx"));
        assertOneLine(dir, "vision_model.onnx without text_model.onnx");
    }

    private static void assertOneLine(Path dir, String... fragments) {
        assertThatThrownBy(() -> MultimodalModel.load(dir).close()).isInstanceOf(UserInputException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n");
                    for (String f : fragments) {
                        assertThat(e.getMessage()).contains(f);
                    }
                });
    }

    private static Path copyOf(Path from, String name) throws Exception {
        Path to = tmp.resolve(name);
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return to;
    }
}
