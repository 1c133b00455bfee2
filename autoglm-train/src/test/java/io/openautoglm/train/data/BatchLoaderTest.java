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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * Three questions per picture from records with two: rows [3b, 3b + 3) hold picture b's two
     * distinct questions with their answers, then an empty question with no target; the first row is
     * the question a one-question batch draws, so the other rows only add.
     */
    @Test
    void severalQuestionsPerPictureAreDistinctAndStartWithTheSingleDraw(@TempDir Path dir) throws Exception {
        Path train = ColorSquares.write(dir, "train", 16, 1, true, true);
        TrainConfig config = TinyRuns.config(train, null, dir.resolve("run"), 1, "model.fusion_layers=1", "loss.answer=1");
        ImageTextDataset data = ImageTextDataset.open(Manifest.read(train), null, false, false, List.of("qa"), null, new ImageLoader(), QUIET);
        try (MultimodalModel model = TrainingModels.create(config, data, dir.resolve("run"), "t")) {
            List<String> answers = model.config().fusion().answers();
            Map<String, Integer> vocabulary = new HashMap<>();
            answers.forEach(a -> vocabulary.put(a, vocabulary.size()));
            int a = answers.size();
            try (BatchLoader one = questionLoader(model, data, vocabulary, 1); BatchLoader three = questionLoader(model, data, vocabulary, 3)) {
                Batch single = one.get(2);
                Batch triple = three.get(2);
                int t = triple.contextLength();
                Batch.FusionTargets s = single.fusion();
                Batch.FusionTargets q = triple.fusion();
                assertThat(q.questionsPerImage()).isEqualTo(3);
                assertThat(q.questionIds()).hasSize(8 * 3 * t);
                assertThat(q.answerTargets()).hasSize(8 * 3 * a);
                assertThat(triple.captions()).containsExactly(single.captions());
                long[] empty = model.tokenizer().encode("");
                for (int b = 0; b < 8; b++) {
                    // Pictures share captions, so look among the questions of every record with this one;
                    // each record has one colour question and one yes/no question.
                    List<List<Long>> possible = new ArrayList<>();
                    for (String question : questionsOf(data, triple.captions()[b])) {
                        possible.add(boxed(model.tokenizer().encode(question)));
                    }
                    long[] first = Arrays.copyOfRange(q.questionIds(), (b * 3) * t, (b * 3 + 1) * t);
                    long[] second = Arrays.copyOfRange(q.questionIds(), (b * 3 + 1) * t, (b * 3 + 2) * t);
                    long[] third = Arrays.copyOfRange(q.questionIds(), (b * 3 + 2) * t, (b * 3 + 3) * t);
                    assertThat(first).isEqualTo(Arrays.copyOfRange(s.questionIds(), b * t, (b + 1) * t));
                    assertThat(possible).contains(boxed(first), boxed(second));
                    List<Long> colourQuestion = boxed(model.tokenizer().encode("what color is the square?"));
                    assertThat(List.of(boxed(first), boxed(second))).as("one colour question per picture").containsOnlyOnce(colourQuestion);
                    assertThat(third).isEqualTo(empty);
                    for (int row = 0; row < 3; row++) {
                        double sum = 0;
                        for (int j = 0; j < a; j++) {
                            sum += q.answerTargets()[(b * 3 + row) * a + j];
                        }
                        assertThat(sum).as("row %d of picture %d", row, b).isCloseTo(row < 2 ? 1.0 : 0.0, org.assertj.core.data.Offset.offset(1e-6));
                    }
                }
            }
        }
    }

    private static List<String> questionsOf(ImageTextDataset data, String caption) {
        List<String> questions = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            if (data.get(i).captions().get(0).equals(caption)) {
                data.get(i).questions().forEach(qa -> questions.add(qa.question()));
            }
        }
        assertThat(questions).as("questions of records captioned " + caption).isNotEmpty();
        return questions;
    }

    private static List<Long> boxed(long[] ids) {
        return Arrays.stream(ids).boxed().toList();
    }

    private static BatchLoader questionLoader(MultimodalModel model, ImageTextDataset data, Map<String, Integer> answers, int perImage) {
        return new BatchLoader(data, model.imageProcessor(), model.tokenizer(), new ImageLoader(), null, 8, "first", 0, 7, 1, 1,
                new HeadTasks(answers, perImage, false, null));
    }

    private static BatchLoader loader(MultimodalModel model, ImageTextDataset data, int negatives) {
        return new BatchLoader(data, model.imageProcessor(), model.tokenizer(), new ImageLoader(), null, 8, "random",
                negatives, 7, 1, 1);
    }
}
