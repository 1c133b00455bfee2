package io.openautoglm.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Core alone has no ModelFolderLoader: an ONNX folder gets one line saying what to add, not "no model.safetensors". */
class OnnxFolderWithoutBackendTest {
    @TempDir
    Path dir;

    @Test
    void anOnnxFolderAsksForAutoglmOnnx() throws Exception {
        Files.copy(ParityFixture.HF.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(ParityFixture.HF.resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.write(dir.resolve("image_model.onnx"), new byte[] {8, 8});
        Files.write(dir.resolve("text_model.onnx"), new byte[] {8, 8});
        assertThatThrownBy(() -> MultimodalModel.load(dir)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("is an ONNX model folder (image_model.onnx, text_model.onnx)")
                .hasMessageContaining("needs autoglm-onnx on the class path")
                .hasMessageNotContaining("\n");
    }
}
