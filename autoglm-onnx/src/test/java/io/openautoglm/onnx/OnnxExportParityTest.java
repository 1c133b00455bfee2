package io.openautoglm.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.model.clip.CheckpointLayout;
import io.openautoglm.core.io.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Both parity fixture layouts exported, then run on ONNX Runtime against openai/CLIP's reference embeddings. */
class OnnxExportParityTest {
    @TempDir
    static Path tmp;
    private static final Map<Path, MultimodalModel> EXPORTED = new HashMap<>();
    private static final Map<Path, Path> FOLDERS = new HashMap<>();

    static Stream<Path> layouts() {
        return Stream.of(Fixture.HF, Fixture.OPENAI);
    }

    @BeforeAll
    static void exportBoth() throws Exception {
        for (Path source : layouts().toList()) {
            Path out = tmp.resolve(source.getFileName() + "-onnx");
            try (MultimodalModel djl = MultimodalModel.load(source)) {
                OnnxExporter.export(djl, out, OnnxExporter.Options.defaults().withSource(source));
            }
            FOLDERS.put(source, out);
            EXPORTED.put(source, MultimodalModel.load(out));
        }
    }

    @AfterAll
    static void close() {
        EXPORTED.values().forEach(MultimodalModel::close);
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void referencePixelsAndIdsGiveTheReferenceEmbeddings(Path source) {
        MultimodalModel onnx = EXPORTED.get(source);
        assertThat(onnx.runtime().name()).startsWith("ONNX Runtime");
        assertThat(onnx.layout()).isEqualTo(CheckpointLayout.ONNX);
        float[][] expectedImages = Fixture.matrix("image_embeds");
        float[][] expectedTexts = Fixture.matrix("text_embeds");
        float[][] images = onnx.embedPixels(Fixture.pixels(), expectedImages.length, false);
        float[][] texts = onnx.embedTokenIds(Fixture.inputIds(), expectedTexts.length, onnx.config().text().contextLength(), false);
        System.out.printf("onnx parity %s: worst cosine images %.7f texts %.7f, max |diff| %.2e / %.2e%n", source.getFileName(),
                Fixture.worstCosine(images, expectedImages), Fixture.worstCosine(texts, expectedTexts),
                Fixture.maxAbsDiff(images, expectedImages), Fixture.maxAbsDiff(texts, expectedTexts));
        assertThat(Fixture.worstCosine(images, expectedImages)).isGreaterThanOrEqualTo(0.9999);
        assertThat(Fixture.worstCosine(texts, expectedTexts)).isGreaterThanOrEqualTo(0.9999);
        assertThat(Fixture.maxAbsDiff(images, expectedImages)).isLessThanOrEqualTo(1e-4);
        assertThat(Fixture.maxAbsDiff(texts, expectedTexts)).isLessThanOrEqualTo(1e-4);
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void batchOfOneAndBatchOfManyAgreeThroughFilesAndTokenizer(Path source) {
        MultimodalModel onnx = EXPORTED.get(source);
        EmbedOptions one = EmbedOptions.defaults().withBatchSize(1);
        EmbedOptions all = EmbedOptions.defaults().withBatchSize(8);
        float[][] single = onnx.embedImageFiles(Fixture.images(), one);
        float[][] batched = onnx.embedImageFiles(Fixture.images(), all);
        assertThat(Fixture.maxAbsDiff(single, batched)).isLessThanOrEqualTo(1e-5);
        assertThat(Fixture.worstCosine(batched, Fixture.matrix("image_embeds"))).isGreaterThanOrEqualTo(0.999); // PNG decoding in the loop
        float[][] textsOne = onnx.embedTexts(Fixture.texts(), one);
        float[][] textsAll = onnx.embedTexts(Fixture.texts(), all);
        assertThat(Fixture.maxAbsDiff(textsOne, textsAll)).isLessThanOrEqualTo(1e-5);
        assertThat(Fixture.worstCosine(textsAll, Fixture.matrix("text_embeds"))).isGreaterThanOrEqualTo(0.9999);
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void provenanceRecordsSourceOpsetRuntimeAndTheCheck(Path source) throws Exception {
        Path folder = FOLDERS.get(source);
        JsonNode p = new ObjectMapper().readTree(folder.resolve("provenance.json").toFile());
        assertThat(p.path("opset").asInt()).isEqualTo(17);
        assertThat(p.path("onnxruntime_version").asText()).isEqualTo("1.29.0");
        assertThat(p.path("source_weights_sha256").asText()).isEqualTo(Sha256.of(source.resolve("model.safetensors")));
        assertThat(p.path("export_check").path("worst_image_cosine").asDouble()).isGreaterThanOrEqualTo(0.9999);
        assertThat(p.path("exporter").asText()).contains("OnnxExporter");
        try (var files = Files.list(folder)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("image_model.onnx", "text_model.onnx",
                    "config.json", "tokenizer.json", "preprocessor.json", "provenance.json");
        }
        try (var siblings = Files.list(folder.getParent())) {
            assertThat(siblings.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(".")); // no temp folder left
        }
        MultimodalModel onnx = EXPORTED.get(source);
        try (MultimodalModel djl = MultimodalModel.load(source)) {
            assertThat(onnx.logitScale()).isCloseTo(djl.logitScale(), org.assertj.core.data.Offset.offset(1e-4f));
            assertThat(onnx.parameterCounts()).isEqualTo(djl.parameterCounts());
        }
    }
}
