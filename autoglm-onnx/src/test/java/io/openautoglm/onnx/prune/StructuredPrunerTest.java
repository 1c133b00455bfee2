package io.openautoglm.onnx.prune;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.onnx.OnnxExporter;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pruning the bundled (trained) model: real weights, real forwards, saved and loaded back. */
class StructuredPrunerTest {
    static final Path BUNDLED = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize();
    static final List<String> TEXTS = List.of("a large red circle", "a small blue square", "a green star", "two yellow crosses");
    static MultimodalModel source;
    static float[] pixels;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() {
        source = MultimodalModel.load(BUNDLED);
        int s = source.preprocessor().imageSize();
        pixels = new float[4 * 3 * s * s];
        Random r = new Random(3);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) r.nextGaussian();
        }
    }

    @AfterAll
    static void close() {
        source.close();
    }

    @Test
    void removingNothingReproducesTheSourceExactly() {
        StructuredPruner.Pruned p = StructuredPruner.prune(source, BUNDLED.resolve("tokenizer.json"), new StructuredPruner.Options(0, 0));
        try (MultimodalModel same = p.model()) {
            assertThat(OnnxExporter.worstCosine(source.embedPixels(pixels, 4, true), same.embedPixels(pixels, 4, true))).isGreaterThan(0.99999);
            assertThat(OnnxExporter.worstCosine(source.embedTexts(TEXTS), same.embedTexts(TEXTS))).isGreaterThan(0.99999);
        }
    }

    @Test
    void aLittleMlpPruningKeepsTheEmbeddingsClose() {
        StructuredPruner.Pruned p = StructuredPruner.prune(source, BUNDLED.resolve("tokenizer.json"), new StructuredPruner.Options(0, 0.05));
        try (MultimodalModel small = p.model()) {
            assertThat(small.config().vision().mlpSize()).isEqualTo(486);
            assertThat(small.parameterCounts().get("total")).isLessThan(source.parameterCounts().get("total"));
            assertThat(OnnxExporter.worstCosine(source.embedPixels(pixels, 4, true), small.embedPixels(pixels, 4, true))).isGreaterThan(0.95);
            assertThat(OnnxExporter.worstCosine(source.embedTexts(TEXTS), small.embedTexts(TEXTS))).isGreaterThan(0.95);
        }
    }

    @Test
    void prunedHeadsAndChannelsAreSavedAndLoadBackTheSame() throws Exception {
        StructuredPruner.Pruned p = StructuredPruner.prune(source, BUNDLED.resolve("tokenizer.json"),
                new StructuredPruner.Options(0.25, 0.5));
        Path out = dir.resolve("pruned");
        try (MultimodalModel small = p.model()) {
            small.save(out, null);
            float[][] before = small.embedPixels(pixels, 4, true);
            try (MultimodalModel loaded = MultimodalModel.load(out)) {
                assertThat(loaded.config().vision().heads()).isEqualTo(3);
                assertThat(loaded.config().vision().headDim()).isEqualTo(32);
                assertThat(loaded.config().text().mlpSize()).isEqualTo(256);
                assertThat(OnnxExporter.worstCosine(before, loaded.embedPixels(pixels, 4, true))).isGreaterThan(0.99999);
                long total = loaded.parameterCounts().get("total");
                assertThat(total).isLessThan(source.parameterCounts().get("total") * 8 / 10)
                        .isEqualTo(p.report().get("parameters_after").asLong());
            }
        }
        JsonNode config = new ObjectMapper().readTree(out.resolve("config.json").toFile());
        assertThat(config.path("vision_config").path("head_dim").asInt()).isEqualTo(32);
        assertThat(config.path("vision_config").path("num_attention_heads").asInt()).isEqualTo(3);
        assertThat(p.report().path("vision").path("removed_heads")).hasSize(4);
        assertThat(p.report().path("vision").path("removed_heads").get(0)).hasSize(1);
    }

    @Test
    void aHeadPrunedModelExportsToOnnxAndAgreesWithItsDjlForward() throws Exception {
        StructuredPruner.Pruned p = StructuredPruner.prune(source, BUNDLED.resolve("tokenizer.json"),
                new StructuredPruner.Options(0.25, 0.25));
        try (MultimodalModel small = p.model()) {
            assertThat(small.config().vision().heads() * small.config().vision().headDim())
                    .isLessThan(small.config().vision().width());
            // The export's own check runs both backends on the same inputs and throws below cosine 0.9999.
            OnnxExporter.Result exported = OnnxExporter.export(small, dir.resolve("pruned-onnx"), OnnxExporter.Options.defaults());
            assertThat(exported.worstImageCosine()).isGreaterThan(0.9999);
            assertThat(exported.worstTextCosine()).isGreaterThan(0.9999);
        }
    }

    @Test
    void fractionsOutsideTheRangeAreUserErrors() {
        assertThatThrownBy(() -> new StructuredPruner.Options(1, 0)).isInstanceOf(UserInputException.class).hasMessageContaining("--heads");
        assertThatThrownBy(() -> new StructuredPruner.Options(0, -0.1)).isInstanceOf(UserInputException.class).hasMessageContaining("--mlp");
    }
}
