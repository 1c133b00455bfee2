package io.openautoglm.core.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A training run's output folder given where a model folder is expected (what {@code autoglm train --out} wrote). */
class TrainingRunFolderTest {
    static final Path HF = Path.of("src/test/resources/clip-parity/tiny-clip/hf").toAbsolutePath();

    @TempDir
    Path run;

    @Test
    void aFinishedRunReadsAsItsFinalModel() throws Exception {
        copyModel(run.resolve("model"));
        copyModel(run.resolve("best"));
        Files.writeString(run.resolve("metrics.jsonl"), "{\"step\": 1, \"loss\": 2.0}\n");
        ModelDirectory read = ModelDirectory.read(run);
        assertThat(read.dir()).isEqualTo(run.resolve("model"));
        assertThat(read.weights()).isEqualTo(run.resolve("model/model.safetensors"));
        assertThat(read.layout()).isEqualTo(CheckpointLayout.HUGGING_FACE);
    }

    @Test
    void aRunWithoutAFinalModelNamesBestAndTheLatestCheckpoint() throws Exception {
        copyModel(run.resolve("best"));
        copyModel(run.resolve("checkpoints/step-00000010"));
        copyModel(run.resolve("checkpoints/step-00000037"));
        assertThatThrownBy(() -> ModelDirectory.read(run)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("is a training run without a final model yet")
                .hasMessageContaining("did you mean " + run.resolve("best"))
                .hasMessageContaining(run.resolve("checkpoints/step-00000037") + " (the latest)")
                .hasMessageContaining("--resume");
    }

    @Test
    void aModelFolderAndAnEmptyFolderReadAsBefore() throws Exception {
        Path model = run.resolve("plain");
        copyModel(model);
        Files.createDirectories(model.resolve("checkpoints")); // a model folder wins even if it looks like a run too
        assertThat(ModelDirectory.read(model).dir()).isEqualTo(model);
        Path empty = Files.createDirectories(run.resolve("empty"));
        assertThatThrownBy(() -> ModelDirectory.read(empty)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("is not a model directory we can read");
    }

    private static void copyModel(Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(HF)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
