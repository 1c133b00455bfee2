package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user's path: generate data, train with the short form, evaluate; and the demo on the bundled model. */
class TrainAndDemoCommandTest {
    static final Path BUNDLED = Path.of("../" + ModelOption.BUNDLED).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    @Test
    void shortFormTrainingWritesAModelThatEvaluates() throws Exception {
        Path data = tmp.resolve("sw");
        assertThat(CliRunner.run("data", "shapeworld", "--out", data.toString(), "--count", "120", "--size", "32",
                "--splits", "0.7,0.15,0.15").exitCode()).isZero();
        Path out = tmp.resolve("run");
        CliRunner train = CliRunner.run("train", "--train", data.resolve("train.jsonl").toString(),
                "--val", data.resolve("val.jsonl").toString(), "--out", out.toString(), "--steps", "12", "--batch-size", "16",
                "--set", "model.image_size=32", "--set", "model.context_length=24", "--set", "data.loader_threads=1",
                "--set", "data.zero_shot_keys=[color]", "--set", "run.eval_every=6");
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).contains("trained 12 steps").contains("text_to_image.R@1").contains("zero_shot.color.top1");
        assertThat(out.resolve("model/model.safetensors")).isRegularFile();
        assertThat(out.resolve("metrics.jsonl")).isRegularFile();

        CliRunner eval = CliRunner.run("eval", "zero-shot", "--model", out.resolve("model").toString(),
                "--manifest", data.resolve("test.jsonl").toString(), "--label-key", "color", "--format", "json");
        assertThat(eval.exitCode()).as(eval.err()).isZero();
        JsonNode z = Json.MAPPER.readTree(eval.out());
        assertThat(z.get("n").asInt()).isPositive();

        // The run folder itself (train's --out) stands for its final model.
        CliRunner runFolder = CliRunner.run("eval", "zero-shot", "--model", out.toString(),
                "--manifest", data.resolve("test.jsonl").toString(), "--label-key", "color", "--format", "json");
        assertThat(runFolder.exitCode()).as(runFolder.err()).isZero();
        assertThat(Json.MAPPER.readTree(runFolder.out())).isEqualTo(z);

        CliRunner again = CliRunner.run("train", "--train", data.resolve("train.jsonl").toString(), "--out", out.toString());
        CliRunner.assertOneLineError(again, "--resume");
    }

    @Test
    void trainingConfigMistakesAreOneLine() {
        CliRunner.assertOneLineError(CliRunner.run("train", "--train", "t.jsonl", "--out", tmp.toString(), "--set", "optim.lrr=1"),
                "unknown key 'optim.lrr'");
        CliRunner.assertOneLineError(CliRunner.run("train", "--out", tmp.toString()), "data.train");
        CliRunner.assertOneLineError(CliRunner.run("train", "--train", tmp.resolve("none.jsonl").toString(), "--out",
                tmp.resolve("o").toString()), "none.jsonl");
    }

    @Test
    void demoRunsOnTheBundledModel() throws Exception {
        assertThat(BUNDLED.resolve("model.safetensors")).isRegularFile();
        Path gallery = tmp.resolve("gallery");
        CliRunner r = CliRunner.run("demo", "--model", BUNDLED.toString(), "--gallery", "60", "--keep", gallery.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("text search").contains("zero-shot").contains("R@1").contains("compositional");
        assertThat(Files.list(gallery.resolve("images")).count()).isEqualTo(60);
        // Progress on stderr while it works, step by step; the report on stdout has none of it.
        assertThat(r.err()).contains("demo: step 1 of 4: generating 60 ShapeWorld pictures")
                .contains("demo: step 4 of 4: metrics");
        assertThat(r.out()).doesNotContain("demo: step");
    }
}
