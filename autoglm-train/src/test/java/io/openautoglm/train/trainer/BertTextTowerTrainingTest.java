package io.openautoglm.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.train.ColorSquares;
import io.openautoglm.train.TinyRuns;
import io.openautoglm.train.config.TrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code model.text.architecture: bert} from scratch on the four-colour squares (chance 0.25): the
 * BERT tower learns the colours, its model folder is a BERT model with a WordPiece tokenizer, and a
 * run paused at its step-20 checkpoint and resumed ends with the same embeddings as the whole run.
 */
class BertTextTowerTrainingTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final int STEPS = 40;

    @TempDir
    static Path data;

    static Path train;
    static Path val;
    static Trainer.Result whole;

    static TrainConfig config(Path out) {
        return TinyRuns.config(train, val, out, STEPS, "optim.warmup_steps=5", "model.text.architecture=bert",
                "run.checkpoint_every=20");
    }

    @BeforeAll
    static void trainOnce() throws Exception {
        train = ColorSquares.write(data, "train", 96, 1);
        val = ColorSquares.write(data, "val", 40, 2);
        Validator zeroShot = (model, manifest) -> Map.of("zero_shot.top1", TrainerTest.zeroShotAccuracy(model, manifest));
        whole = new Trainer(config(data.resolve("whole")), zeroShot, QUIET).run(false);
    }

    @Test
    void aBertTextTowerLearnsTheColours() throws Exception {
        List<Double> losses = TrainerTest.lossCurve(data.resolve("whole"));
        double first = losses.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(losses.size() - 5, losses.size()).stream().mapToDouble(d -> d).average().orElseThrow();
        System.out.printf("bert tower: loss first %.4f last %.4f, zero-shot %.3f%n", first, last,
                whole.finalMetrics().get("zero_shot.top1"));
        assertThat(last).isLessThan(first - 0.3);
        assertThat(whole.finalMetrics().get("zero_shot.top1")).isGreaterThanOrEqualTo(0.9);
        try (MultimodalModel model = MultimodalModel.load(whole.modelDir())) {
            assertThat(model.config().text().architecture()).isEqualTo("bert");
            assertThat(model.network().namedParameters()).containsKey("text_model.encoder.layer.0.attention.self.query.weight");
            assertThat(new ObjectMapper().readTree(whole.modelDir().resolve("tokenizer.json").toFile()).path("model").path("type").asText())
                    .isEqualTo("WordPiece");
            assertThat(model.tokenizer().encodeFull("a RED square")).hasSize(5); // [CLS] a red square [SEP]
        }
    }

    @Test
    void resumedFromItsCheckpointTheRunEndsWithTheSameEmbeddings(@TempDir Path tmp) throws Exception {
        Path split = tmp.resolve("split");
        new Trainer(config(split), null, QUIET).run(false, 20);
        Trainer.Result resumed = new Trainer(config(split), null, QUIET).run(true);
        List<String> texts = Arrays.asList(ColorSquares.COLORS);
        List<Path> pictures = Manifest.read(val).records().stream().limit(4).map(r -> r.image()).toList();
        try (MultimodalModel a = MultimodalModel.load(whole.modelDir()); MultimodalModel b = MultimodalModel.load(resumed.modelDir())) {
            assertThat(maxAbsDiff(b.embedTexts(texts), a.embedTexts(texts))).isLessThan(1e-4);
            assertThat(maxAbsDiff(b.embedImageFiles(pictures, EmbedOptions.defaults()),
                    a.embedImageFiles(pictures, EmbedOptions.defaults()))).isLessThan(1e-4);
        }
    }

    private static double maxAbsDiff(float[][] x, float[][] y) {
        double max = 0;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                max = Math.max(max, Math.abs(x[i][j] - y[i][j]));
            }
        }
        return max;
    }
}
