package io.openautoglm.train.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.corrupt.Corruption;
import io.openautoglm.core.image.corrupt.RandomCorruption;
import io.openautoglm.train.ColorSquares;
import io.openautoglm.train.TinyRuns;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.trainer.Trainer;
import io.openautoglm.train.trainer.TrainingModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code data.corruptions}: the loader's pictures are corrupted as configured, and only then. */
class CorruptionAugmentationTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final String NAMES = "data.corruptions.names=[gaussian_noise, occlusion, contrast]";

    @Test
    void probabilityOneChangesEveryPictureAndZeroNone(@TempDir Path dir) throws Exception {
        Path train = ColorSquares.write(dir, "train", 16, 1);
        TrainConfig always = TinyRuns.config(train, null, dir.resolve("run"), 1, NAMES, "data.corruptions.probability=1");
        TrainConfig never = TinyRuns.config(train, null, dir.resolve("run"), 1, NAMES, "data.corruptions.probability=0");
        TrainConfig off = TinyRuns.config(train, null, dir.resolve("run"), 1);
        assertThat(always.data().corruptions().augmentation().choices())
                .containsExactly(Corruption.GAUSSIAN_NOISE, Corruption.OCCLUSION, Corruption.CONTRAST);
        assertThat(never.data().corruptions().augmentation()).isNull();
        assertThat(off.data().corruptions().augmentation()).isNull();
        ImageTextDataset data = ImageTextDataset.open(Manifest.read(train), null, false, false, new ImageLoader(), QUIET);
        try (MultimodalModel model = TrainingModels.create(off, data, dir.resolve("run"), "t");
                BatchLoader clean = loader(model, data, null);
                BatchLoader corrupted = loader(model, data, always.data().corruptions().augmentation());
                BatchLoader zero = loader(model, data, new RandomCorruption(List.of(Corruption.GAUSSIAN_NOISE), 0.0, 5))) {
            for (long k = 0; k < 3; k++) {
                Batch a = clean.get(k);
                Batch b = corrupted.get(k);
                Batch c = zero.get(k);
                int per = a.pixels().length / 8;
                for (int i = 0; i < 8; i++) {
                    float[] cleanPicture = Arrays.copyOfRange(a.pixels(), i * per, (i + 1) * per);
                    assertThat(Arrays.copyOfRange(b.pixels(), i * per, (i + 1) * per)).as("batch %d picture %d", k, i)
                            .isNotEqualTo(cleanPicture);
                }
                assertThat(c.pixels()).isEqualTo(a.pixels());
                assertThat(b.captions()).containsExactly(a.captions()); // its own random stream: captions as before
            }
            // Reproducible: batch k is a function of (seed, k), corruptions included.
            try (BatchLoader again = loader(model, data, always.data().corruptions().augmentation())) {
                assertThat(again.get(2).pixels()).isEqualTo(corrupted.get(2).pixels());
            }
        }
    }

    /** Through the trainer: the same seed and steps with the corruption on see other pixels, so another first loss. */
    @Test
    void theTrainerAppliesThem(@TempDir Path dir) throws Exception {
        Path train = ColorSquares.write(dir, "train", 32, 1);
        Trainer.Result clean = new Trainer(TinyRuns.config(train, null, dir.resolve("clean"), 1), null, QUIET).run(false);
        Trainer.Result noisy = new Trainer(TinyRuns.config(train, null, dir.resolve("noisy"), 1,
                "data.corruptions.names=[gaussian_noise]", "data.corruptions.probability=1", "data.corruptions.max_severity=5"),
                null, QUIET).run(false);
        Trainer.Result never = new Trainer(TinyRuns.config(train, null, dir.resolve("never"), 1,
                "data.corruptions.names=[gaussian_noise]", "data.corruptions.probability=0"), null, QUIET).run(false);
        assertThat(firstLoss(dir.resolve("never"))).isEqualTo(firstLoss(dir.resolve("clean")));
        assertThat(firstLoss(dir.resolve("noisy"))).isNotEqualTo(firstLoss(dir.resolve("clean")));
        assertThat(clean.steps()).isEqualTo(1);
        assertThat(noisy.steps()).isEqualTo(1);
        assertThat(never.steps()).isEqualTo(1);
    }

    @Test
    void badSettingsAreOneLineNamingTheKey(@TempDir Path dir) {
        Path train = dir.resolve("t.jsonl");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir, 1, "data.corruptions.names=[fog]"))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("data.corruptions.names: unknown corruption 'fog'; valid corruptions: gaussian_noise, shot_noise,");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir, 1, NAMES, "data.corruptions.max_severity=7"))
                .hasMessageContaining("data.corruptions.max_severity is 7; expected a value in [1, 5]");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir, 1, NAMES, "data.corruptions.probability=1.5"))
                .hasMessageContaining("data.corruptions.probability is 1.5");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir, 1, "data.corruptions.severity=2"))
                .hasMessageContaining("unknown key 'data.corruptions.severity'");
    }

    private static String firstLoss(Path run) throws Exception {
        String line = Files.readAllLines(run.resolve("metrics.jsonl")).get(0);
        return line.replaceAll(".*\"loss\":([^,]*),.*", "$1");
    }

    private static BatchLoader loader(MultimodalModel model, ImageTextDataset data, RandomCorruption corruption) {
        return new BatchLoader(data, model.imageProcessor(), model.tokenizer(), new ImageLoader(), null, 8, "random", 0, 7, 1, 1,
                null, corruption);
    }
}
