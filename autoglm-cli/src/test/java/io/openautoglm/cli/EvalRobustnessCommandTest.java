package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autoglm eval robustness} on the tiny reference model: its output, its report, and one line for every mistake. */
class EvalRobustnessCommandTest {
    @TempDir
    Path tmp;

    private CliRunner robustness(Path manifest, String... more) {
        String[] base = {"eval", "robustness", "--model", CliFixture.HF.toString(), "--manifest", manifest.toString()};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return CliRunner.run(args);
    }

    @Test
    void zeroShotJsonAndReport() throws Exception {
        Path report = tmp.resolve("report");
        CliRunner r = robustness(EvalCommandTest.manifest(tmp), "--task", "zero-shot", "--label-key", "label",
                "--corruptions", "jpeg,occlusion", "--severities", "1,5", "--seed", "7", "--format", "json", "--report", report.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.fieldNames()).toIterable().containsExactly("clean", "corruptions", "robustness_score");
        assertThat(json.path("clean").path("n").asInt()).isEqualTo(4);
        assertThat(json.path("corruptions").fieldNames()).toIterable().containsExactly("jpeg", "occlusion");
        JsonNode s = json.path("corruptions").path("occlusion").path("severities");
        assertThat(s).hasSize(2);
        assertThat(s.get(1).path("severity").asInt()).isEqualTo(5);
        assertThat(s.get(1).has("top1")).isTrue();
        assertThat(json.path("corruptions").path("jpeg").has("mean")).isTrue();
        assertThat(json.path("corruptions").path("jpeg").has("relative")).isTrue();
        assertThat(r.err().lines().filter(l -> l.startsWith("robustness: pass ")).count()).as(r.err()).isEqualTo(5);
        assertThat(report.resolve("report.html")).exists();
        assertThat(report.resolve("scores.png")).exists();
        assertThat(report.resolve("examples/0-occlusion-5.png")).exists();
    }

    @Test
    void retrievalTable() throws Exception {
        CliRunner r = robustness(EvalCommandTest.manifest(tmp), "--task", "retrieval", "--corruptions", "brightness", "--severities", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("metric text_to_image_R@1", "brightness", "robustness_score", "clean");
    }

    @Test
    void unknownCorruptionListsTheValidOnes() throws Exception {
        CliRunner.assertOneLineError(robustness(EvalCommandTest.manifest(tmp), "--task", "retrieval", "--corruptions", "jpeg,fog"),
                "unknown corruption 'fog'", "valid corruptions: gaussian_noise, shot_noise, gaussian_blur, motion_blur, occlusion,"
                        + " brightness, contrast, jpeg, pixelate");
    }

    @Test
    void severityOutOfRange() throws Exception {
        CliRunner.assertOneLineError(robustness(EvalCommandTest.manifest(tmp), "--task", "retrieval", "--severities", "7"),
                "severity 7 is out of range; valid severities: 1, 2, 3, 4, 5");
        CliRunner.assertOneLineError(robustness(EvalCommandTest.manifest(tmp), "--task", "retrieval", "--severities", "1-7"),
                "severity 7");
    }

    @Test
    void zeroShotNeedsLabels() throws Exception {
        CliRunner.assertOneLineError(robustness(EvalCommandTest.manifest(tmp), "--task", "zero-shot"), "--label-key");
        CliRunner.assertOneLineError(robustness(EvalCommandTest.manifest(tmp), "--task", "zero-shot", "--label-key", "species"),
                "has the key \"species\"");
    }

    @Test
    void unreadablePictureNamesTheLine() throws Exception {
        Files.writeString(tmp.resolve("bad.png"), "not a picture");
        Path m = tmp.resolve("m.jsonl");
        Files.writeString(m, "\n{\"image\": \"bad.png\", \"caption\": \"w1\", \"label\": \"w2\"}\n");
        CliRunner.assertOneLineError(robustness(m, "--task", "zero-shot", "--label-key", "label"), "m.jsonl:2", "bad.png");
    }

    @Test
    void otherTasksAndStrayOptions() throws Exception {
        Path m = EvalCommandTest.manifest(tmp);
        CliRunner.assertOneLineError(robustness(m, "--task", "defects"), "--task defects needs --detector");
        CliRunner.assertOneLineError(robustness(m, "--task", "retrieval", "--detector", tmp.toString()), "--detector is a defects option");
        CliRunner.assertOneLineError(robustness(m, "--task", "detection"), "unknown --task 'detection'", "zero-shot, retrieval, vqa");
        CliRunner.assertOneLineError(robustness(m, "--task", "retrieval", "--label-key", "label"), "zero-shot options");
        CliRunner.assertOneLineError(robustness(m, "--task", "zero-shot", "--label-key", "label", "--limit", "3"), "vqa options");
        CliRunner.assertOneLineError(robustness(m, "--task", "vqa", "--report", m.toString()), "is a file");
        Files.writeString(Files.createDirectories(tmp.resolve("notes")).resolve("todo.txt"), "mine");
        CliRunner.assertOneLineError(robustness(m, "--task", "retrieval", "--report", tmp.resolve("notes").toString()),
                "holds something other than a report");
    }

    @Test
    void helpExplainsIt() {
        CliRunner r = CliRunner.run("eval", "robustness", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("ImageNet-C", "--corruptions", "--severities", "--seed", "--report", "robustness_score", "--task");
    }
}
