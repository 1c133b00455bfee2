package io.openautoglm.train.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.train.ColorSquares;
import io.openautoglm.train.TinyRuns;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.trainer.TrainingModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchLoaderTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    /**
     * Four pictures per color, each listing the three other colors as hard negatives: a batch of 8
     * with one negative each holds 8 + 8 captions; a negative that reads like another picture's
     * caption is that picture's match, and captions and crops are the ones drawn without negatives.
     */
    @Test
    void hardNegativesFollowTheCaptionsAndMatchOnlyTheirTwins(@TempDir Path dir) throws Exception {
        Path train = ColorSquares.write(dir, "train", 16, 1, true);
        TrainConfig config = TinyRuns.config(train, null, dir.resolve("run"), 1);
        ImageTextDataset data = ImageTextDataset.open(Manifest.read(train), null, false, true, new ImageLoader(), QUIET);
        assertThat(data.get(0).hardNegatives()).hasSize(3).doesNotContain(data.get(0).captions().get(0));
        try (MultimodalModel model = TrainingModels.create(config, data, dir.resolve("run"), "t");
                BatchLoader plain = loader(model, data, 0);
                BatchLoader withNegatives = loader(model, data, 1)) {
            Batch a = plain.get(3);
            Batch b = withNegatives.get(3);
            int t = b.contextLength();
            assertThat(b.negatives()).isEqualTo(8);
            assertThat(b.tokenIds()).hasSize(16 * t);
            assertThat(b.captions()).containsExactly(a.captions());
            assertThat(b.pixels()).isEqualTo(a.pixels());
            assertThat(Arrays.copyOf(b.tokenIds(), 8 * t)).isEqualTo(a.tokenIds());
            assertThat(b.textToImage()).isEqualTo(a.imageToText());
            for (int i = 0; i < 8; i++) {
                double rowSum = 0;
                for (int j = 0; j < 16; j++) {
                    float v = b.imageToText()[i * 16 + j];
                    rowSum += v;
                    if (j < 8) {
                        assertThat(v > 0).isEqualTo(b.captions()[i].equals(b.captions()[j]));
                    }
                }
                assertThat(rowSum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
                // Picture i's own negative is never its match.
                assertThat(b.imageToText()[i * 16 + 8 + i]).isZero();
            }
            // Some negatives name a color another picture of the batch has: a match for that one.
            long shared = 0;
            for (int i = 0; i < 8; i++) {
                for (int n = 8; n < 16; n++) {
                    shared += b.imageToText()[i * 16 + n] > 0 ? 1 : 0;
                }
            }
            assertThat(shared).isPositive();
        }
    }

    private static BatchLoader loader(MultimodalModel model, ImageTextDataset data, int negatives) {
        return new BatchLoader(data, model.imageProcessor(), model.tokenizer(), new ImageLoader(), null, 8, "random",
                negatives, 7, 1, 1);
    }
}
