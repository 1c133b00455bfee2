package io.openautoglm.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.train.ColorSquares;
import io.openautoglm.train.TinyRuns;
import io.openautoglm.train.config.TrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alignment objectives on the four-colour squares (chance 0.25): each learns on its own, and a
 * run with all the stateful ones (momentum encoder, queue, momentum distillation, hypergradient
 * rate, random triplet mining) resumes exactly. The runs are shared per class.
 */
class AlignmentTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());
    private static final Validator ZERO_SHOT = (model, manifest) -> Map.of("zero_shot.top1", TrainerTest.zeroShotAccuracy(model, manifest));

    @TempDir
    static Path data;

    static Path train;
    static Path val;
    /** The hypergradient run: a contrastive model, also the teacher of the distillation run. */
    static Path hypergradient;
    static Trainer.Result teacher;

    /**
     * Every stateful option at once, 8 steps of 2 accumulated batches of 16, a queue of 48 keys (it
     * wraps around during the run), a checkpoint every 2 steps.
     */
    static final String[] STATEFUL = {"optim.grad_accum=2", "model.momentum=0.9", "loss.queue_size=48", "loss.momentum_distill=0.4",
        "optim.hypergradient={beta: 0.05}", "loss.triplet={weight: 0.5, margin: 0.1, margin_growth: 0.1, mining: random}",
        "run.checkpoint_every=2", "run.keep_last=2"};

    static Path whole;
    static Path paused;

    @BeforeAll
    static void makeDataAndSharedRuns() throws Exception {
        train = ColorSquares.write(data, "train", 96, 1);
        val = ColorSquares.write(data, "val", 40, 2);
        hypergradient = data.resolve("hypergradient");
        teacher = new Trainer(TinyRuns.config(train, val, hypergradient, 40, "optim.warmup_steps=5",
                "optim.hypergradient={beta: 0.3}"), ZERO_SHOT, QUIET).run(false);
        whole = data.resolve("whole");
        new Trainer(stateful(whole), null, QUIET).run(false);
        paused = data.resolve("paused");
        new Trainer(stateful(paused), null, QUIET).run(false, 4);
    }

    static TrainConfig stateful(Path out) {
        return TinyRuns.config(train, null, out, 8, STATEFUL);
    }

    /** The hypergradient moves the rate away from the schedule (logged per step) and the model still learns. */
    @Test
    void hypergradientRateAdaptsAndLearns() throws Exception {
        List<JsonNode> lines = lossLines(hypergradient);
        assertThat(lines).hasSize(40).allMatch(l -> l.has("lr_scale") && l.has("lr_scheduled"));
        for (JsonNode l : lines) {
            assertThat(l.get("lr").asDouble()).isCloseTo(l.get("lr_scheduled").asDouble() * l.get("lr_scale").asDouble(), within(1e-12));
        }
        assertThat(lines.get(0).get("lr_scale").asDouble()).isEqualTo(1.0); // no previous update at the first step
        assertThat(lines.stream().mapToDouble(l -> l.get("lr_scale").asDouble()).map(v -> Math.abs(v - 1)).max().orElseThrow())
                .isGreaterThan(0.05);
        assertLossFalls(hypergradient, "loss", 0.3);
        assertThat(teacher.finalMetrics().get("zero_shot.top1")).isGreaterThanOrEqualTo(0.9);
    }

    /** The triplet loss alone (no contrastive loss) with semi-hard negatives teaches the colours. */
    @Test
    void tripletLossAloneLearns(@TempDir Path out) throws Exception {
        Trainer.Result result = new Trainer(TinyRuns.config(train, val, out, 30, "optim.warmup_steps=5", "loss.contrastive=0",
                "loss.triplet={weight: 1, margin: 0.2, mining: semi-hard}"), ZERO_SHOT, QUIET).run(false);
        assertLossFalls(out, "loss", 0.1);
        assertThat(result.finalMetrics().get("zero_shot.top1")).isGreaterThanOrEqualTo(0.9);
    }

    /**
     * Momentum keys and a queue three batches long as the only contrastive negatives besides the
     * batch, with momentum distillation: the loss falls and the colours are learned.
     */
    @Test
    void momentumEncoderWithQueueLearns(@TempDir Path out) throws Exception {
        Trainer.Result result = new Trainer(TinyRuns.config(train, val, out, 30, "optim.warmup_steps=5", "model.momentum=0.9",
                "loss.queue_size=48", "loss.momentum_distill=0.4"), ZERO_SHOT, QUIET).run(false);
        assertLossFalls(out, "loss", 0.3);
        assertThat(result.finalMetrics().get("zero_shot.top1")).isGreaterThanOrEqualTo(0.9);
        assertThat(out.resolve("checkpoints/step-00000030/" + AlignmentObjectives.MOMENTUM)).isRegularFile();
        assertThat(out.resolve("checkpoints/step-00000030/" + AlignmentObjectives.QUEUE)).isRegularFile();
    }

    /**
     * A mini student (about 4x fewer FLOPs) with no loss but distillation from the teacher learns
     * the colours from the teacher's similarities alone, and takes the teacher's tokenizer.
     */
    @Test
    void studentLearnsFromTheTeacherAlone(@TempDir Path out) throws Exception {
        Trainer.Result result = new Trainer(TinyRuns.config(train, val, out, 30, "optim.warmup_steps=5", "model.preset=mini",
                "loss.contrastive=0", "loss.distill={teacher: " + teacher.modelDir() + ", weight: 1, temperature: {start: 4, end: 1}}"),
                ZERO_SHOT, QUIET).run(false);
        assertLossFalls(out, "loss", 0.3);
        assertThat(result.finalMetrics().get("zero_shot.top1")).isGreaterThanOrEqualTo(0.9);
        assertThat(Files.readString(result.modelDir().resolve("tokenizer.json")))
                .isEqualTo(Files.readString(teacher.modelDir().resolve("tokenizer.json")));
        try (MultimodalModel student = MultimodalModel.load(result.modelDir())) {
            assertThat(student.config().vision().width()).isEqualTo(64);
        }
    }

    /**
     * Paused after step 4 and resumed, the stateful run gives the uninterrupted run's losses and
     * learning rates, and its last checkpoint holds the same momentum weights and queue.
     */
    @Test
    void resumeReproducesMomentumQueueAndHypergradient(@TempDir Path tmp) throws Exception {
        Path split = tmp.resolve("split");
        TrainerTest.copyTree(paused, split);
        assertThat(TrainerTest.lossCurve(split)).hasSize(4);
        new Trainer(stateful(split), null, QUIET).run(true);
        List<JsonNode> expected = lossLines(whole);
        List<JsonNode> actual = lossLines(split);
        assertThat(actual).hasSize(8);
        for (int i = 0; i < 8; i++) {
            for (String key : List.of("loss", "loss_contrastive", "loss_triplet", "lr", "lr_scale")) {
                assertThat(actual.get(i).get(key).asDouble()).as("step %d %s", i + 1, key)
                        .isCloseTo(expected.get(i).get(key).asDouble(), within(1e-6));
            }
        }
        for (String file : List.of(AlignmentObjectives.MOMENTUM, AlignmentObjectives.QUEUE, "model.safetensors")) {
            float[] a = floats(whole.resolve("checkpoints/step-00000008").resolve(file));
            float[] b = floats(split.resolve("checkpoints/step-00000008").resolve(file));
            assertThat(b).as(file).hasSameSizeAs(a);
            for (int i = 0; i < a.length; i++) {
                assertThat(b[i]).as("%s[%d]", file, i).isCloseTo(a[i], within(1e-5f));
            }
        }
        try (var reader = io.openautoglm.core.checkpoint.SafetensorsReader.open(whole.resolve("checkpoints/step-00000008/"
                + AlignmentObjectives.QUEUE))) {
            assertThat(reader.metadata().get("filled")).isEqualTo("48"); // 16 batches of 16 went through a queue of 48
            assertThat(reader.metadata().get("pointer")).isEqualTo(Integer.toString(16 * 16 % 48));
        }
    }

    @Test
    void configMistakesAreOneClearLine(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir.resolve("a"), 2, "loss.triplet={mining: hardest-ish}"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("loss.triplet.mining").hasMessageContaining("semi-hard");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir.resolve("b"), 2, "model.momentum=0.9", "loss.queue_size=40"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("multiple of optim.batch_size (16)");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir.resolve("c"), 2, "loss.queue_size=32"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("model.momentum");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir.resolve("d"), 2, "optim.hypergradient={rule: additive}"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("optim.hypergradient.beta");
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir.resolve("e"), 2, "loss.distill={teacher: x, temperature: {start: 1, end: 2}}"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("loss.distill.temperature");
        assertThatThrownBy(() -> new Trainer(TinyRuns.config(train, null, dir.resolve("f"), 2,
                "loss.distill={teacher: " + dir.resolve("nowhere") + "}"), null, QUIET).run(false))
                .isInstanceOf(UserInputException.class).hasMessageContaining("loss.distill.teacher: no model folder at");
        // The teacher was trained on 32-pixel pictures; a 64-pixel student cannot share its inputs.
        assertThatThrownBy(() -> new Trainer(TinyRuns.config(train, null, dir.resolve("g"), 2, "model.image_size=64",
                "loss.distill={teacher: " + teacher.modelDir() + "}"), null, QUIET).run(false))
                .isInstanceOf(UserInputException.class).hasMessageContaining("model.image_size=32");
        assertThat(dir.resolve("f/checkpoints")).doesNotExist();
    }

    private static void assertLossFalls(Path out, String key, double by) throws Exception {
        List<Double> losses = new ArrayList<>();
        for (JsonNode l : lossLines(out)) {
            losses.add(l.get(key).asDouble());
        }
        int n = losses.size();
        double first = losses.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(n - 5, n).stream().mapToDouble(d -> d).average().orElseThrow();
        System.out.printf("%s: %s first %.4f last %.4f%n", out.getFileName(), key, first, last);
        assertThat(last).as("mean %s of the last 5 steps against the first 5", key).isLessThan(first - by);
    }

    private static List<JsonNode> lossLines(Path out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.has("loss")) {
                lines.add(n);
            }
        }
        return lines;
    }

    private static JsonNode lastLossLine(Path out) throws Exception {
        List<JsonNode> lines = lossLines(out);
        return lines.get(lines.size() - 1);
    }

    /** Every tensor of a safetensors file, concatenated in name order. */
    private static float[] floats(Path file) {
        try (var reader = io.openautoglm.core.checkpoint.SafetensorsReader.open(file)) {
            List<float[]> parts = new ArrayList<>();
            int total = 0;
            for (String name : new java.util.TreeSet<>(reader.tensors().keySet())) {
                float[] p = reader.readFloats(name);
                parts.add(p);
                total += p.length;
            }
            float[] all = new float[total];
            int at = 0;
            for (float[] p : parts) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
            return all;
        }
    }
}
