package io.openautoglm.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.FilipScorer;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.train.ColorSquares;
import io.openautoglm.train.TinyRuns;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.similarity: filip} on the four-colour squares (chance 0.25): the contrastive loss on
 * token-wise similarities learns, the saved model says it was trained for FILIP, a paused run
 * resumes exactly, and the objectives it does not combine with are refused in one line.
 */
class FilipTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final Validator FILIP_ZERO_SHOT = (model, manifest) -> Map.of("zero_shot.top1", filipZeroShot(model, manifest));

    @TempDir
    static Path data;

    static Path train;
    static Path val;
    static Path learned;
    static Trainer.Result result;

    @BeforeAll
    static void trainOnce() throws Exception {
        train = ColorSquares.write(data, "train", 96, 1);
        val = ColorSquares.write(data, "val", 40, 2);
        learned = data.resolve("filip");
        result = new Trainer(TinyRuns.config(train, val, learned, 30, "optim.warmup_steps=5", "model.similarity=filip"),
                FILIP_ZERO_SHOT, QUIET).run(false);
    }

    @Test
    void filipContrastiveTrainingLearnsTheColours() throws Exception {
        List<Double> losses = TrainerTest.lossCurve(learned);
        double first = losses.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(losses.size() - 5, losses.size()).stream().mapToDouble(d -> d).average().orElseThrow();
        System.out.printf("filip: loss first %.4f last %.4f, FILIP zero-shot %.3f%n", first, last,
                result.finalMetrics().get("zero_shot.top1"));
        assertThat(last).isLessThan(first - 0.3);
        assertThat(result.finalMetrics().get("zero_shot.top1")).isGreaterThanOrEqualTo(0.9);
        JsonNode config = JSON.readTree(result.modelDir().resolve("config.json").toFile());
        assertThat(config.path("similarity").asText()).isEqualTo(ClipConfig.FILIP);
        try (MultimodalModel model = MultimodalModel.load(result.modelDir())) {
            assertThat(FilipScorer.trainedFor(model)).isTrue();
        }
    }

    /** The same seed and data with pooled similarity takes another first step: the key reaches the loss. */
    @Test
    void theSimilarityChangesTheLossAndPooledStaysTheDefault(@TempDir Path out) throws Exception {
        Trainer.Result pooled = new Trainer(TinyRuns.config(train, null, out, 2), null, QUIET).run(false);
        double pooledFirst = TrainerTest.lossCurve(out).get(0);
        double filipFirst = TrainerTest.lossCurve(learned).get(0);
        assertThat(Math.abs(pooledFirst - filipFirst)).isGreaterThan(1e-4);
        assertThat(JSON.readTree(pooled.modelDir().resolve("config.json").toFile()).has("similarity")).isFalse();
    }

    /** Paused after step 3 and resumed, the run's losses equal the uninterrupted run's. */
    @Test
    void pauseAndResumeReproduceTheRun(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole");
        Path split = tmp.resolve("split");
        new Trainer(TinyRuns.config(train, null, whole, 6, "model.similarity=filip"), null, QUIET).run(false);
        new Trainer(TinyRuns.config(train, null, split, 6, "model.similarity=filip"), null, QUIET).run(false, 3);
        assertThat(TrainerTest.lossCurve(split)).hasSize(3);
        new Trainer(TinyRuns.config(train, null, split, 6, "model.similarity=filip"), null, QUIET).run(true);
        List<Double> expected = TrainerTest.lossCurve(whole);
        List<Double> actual = TrainerTest.lossCurve(split);
        assertThat(actual).hasSize(6);
        for (int i = 0; i < 6; i++) {
            assertThat(actual.get(i)).as("step %d", i + 1).isCloseTo(expected.get(i), within(1e-6));
        }
    }

    @Test
    void objectivesFilipDoesNotCombineWithAreOneClearLine(@TempDir Path dir) {
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir, 2, "model.similarity=colbert"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("model.similarity").hasMessageContaining("filip");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir, 2, "model.similarity=filip", "model.momentum=0.9"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("does not combine with model.momentum");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir, 2, "model.similarity=filip", "loss.triplet={weight: 1}"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("does not combine with loss.triplet");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir, 2, "model.similarity=filip", "loss.distill={teacher: x}"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("does not combine with loss.distill");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir, 2, "model.similarity=filip", "loss.contrastive=0",
                "loss.tags=1", "data.tags_key=label"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("needs loss.contrastive above 0");
    }

    /** Zero-shot with FILIP's picture-to-text similarity against the four colour words. */
    static double filipZeroShot(MultimodalModel model, Manifest manifest) {
        List<RgbImage> images = new ArrayList<>();
        manifest.records().forEach(r -> images.add(model.imageLoader().load(r.image())));
        FilipScorer scorer = new FilipScorer(model);
        float[][] scores = scorer.score(scorer.embedPictures(images, 16), scorer.embedTexts(Arrays.asList(ColorSquares.COLORS), 16))
                .imageToText(); // (I, 4)
        int correct = 0;
        for (int i = 0; i < images.size(); i++) {
            int best = 0;
            for (int c = 1; c < scores[i].length; c++) {
                best = scores[i][c] > scores[i][best] ? c : best;
            }
            correct += ColorSquares.COLORS[best].equals(manifest.records().get(i).get("label")) ? 1 : 0;
        }
        return (double) correct / images.size();
    }
}
