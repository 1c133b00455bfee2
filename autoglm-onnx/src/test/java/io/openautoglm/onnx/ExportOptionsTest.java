package io.openautoglm.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.core.nn.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tower variants the fixtures lack (convolutional stem, exact GELU), the opsets, and the check's refusal. */
class ExportOptionsTest {
    @TempDir
    Path tmp;

    private static MultimodalModel convStemGeluModel() {
        ClipConfig.VisionConfig vision = new ClipConfig.VisionConfig(32, 8, 3, 32, 2, 2, 64, Activation.GELU, 1e-5f,
                ClipConfig.VisionConfig.CONV_STEM);
        ClipConfig.TextConfig text = new ClipConfig.TextConfig(500, 16, 32, 2, 2, 64, Activation.GELU, 1e-5f, 0, 498, 499);
        return MultimodalModel.randomlyInitialized(new ClipConfig(vision, text, 24, 2.6592f), Fixture.HF.resolve("tokenizer.json"),
                PreprocessorConfig.clipDefaults(32), 7, "conv-gelu");
    }

    @Test
    void convolutionalStemAndGeluExportAtOpset17And21() throws Exception {
        try (MultimodalModel m = convStemGeluModel()) {
            for (int opset : new int[] {17, 21}) {
                OnnxExporter.Result r = OnnxExporter.export(m, tmp.resolve("opset" + opset), OnnxExporter.Options.defaults().withOpset(opset));
                assertThat(r.worstImageCosine()).isGreaterThanOrEqualTo(0.9999);
                assertThat(r.worstTextCosine()).isGreaterThanOrEqualTo(0.9999);
                assertThat(r.provenance().path("opset").asInt()).isEqualTo(opset);
            }
        }
    }

    @Test
    void opsetsOutsideTheRangeAreRefused() {
        try (MultimodalModel m = convStemGeluModel()) {
            assertThatThrownBy(() -> OnnxExporter.export(m, tmp.resolve("old"), OnnxExporter.Options.defaults().withOpset(16)))
                    .isInstanceOf(UserInputException.class).hasMessageContaining("--opset 16 is not supported");
        }
        assertThat(tmp.resolve("old")).doesNotExist();
    }

    @Test
    void aCheckThatFailsLeavesNothingBehindAndSaysTheWorstCosine() throws Exception {
        try (MultimodalModel m = convStemGeluModel()) {
            // a bar no float computation reaches: the refusal path, end to end
            assertThatThrownBy(() -> OnnxExporter.export(m, tmp.resolve("refused"), OnnxExporter.Options.defaults().withMinCosine(1.5)))
                    .isInstanceOf(UserInputException.class).hasMessageContaining("export check failed")
                    .hasMessageMatching("(?s).*worst cosine \\d\\.\\d{6} on pictures, \\d\\.\\d{6} on texts, below 1\\.5000.*");
        }
        try (var left = Files.list(tmp)) {
            assertThat(left.toList()).isEmpty();
        }
    }
}
