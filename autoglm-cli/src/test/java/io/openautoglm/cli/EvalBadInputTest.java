package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every user mistake in {@code autoglm eval} is exit code 1 and one line naming the problem. */
class EvalBadInputTest {
    @TempDir
    Path tmp;

    private CliRunner retrieval(Path manifest) {
        return CliRunner.run("eval", "retrieval", "--model", CliFixture.HF.toString(), "--manifest", manifest.toString());
    }

    @Test
    void missingManifest() {
        CliRunner.assertOneLineError(retrieval(tmp.resolve("nope.jsonl")), "nope.jsonl", "does not exist");
    }

    @Test
    void malformedJsonLineNamesTheLine() throws Exception {
        Path m = EvalCommandTest.manifest(tmp);
        Files.writeString(m, Files.readString(m) + "{\"image\": \"x.png\", \"caption\": \n");
        CliRunner.assertOneLineError(retrieval(m), "data.jsonl:7", "not valid JSON");
    }

    @Test
    void missingImageFileNamesTheLine() throws Exception {
        Path m = EvalCommandTest.manifest(tmp);
        Files.writeString(m, Files.readString(m) + "{\"image\": \"gone.png\", \"caption\": \"w1\", \"label\": \"w10\"}\n");
        CliRunner.assertOneLineError(retrieval(m), "data.jsonl:7", "gone.png", "not found");
        CliRunner.assertOneLineError(CliRunner.run("eval", "zero-shot", "--model", CliFixture.HF.toString(), "--manifest", m.toString(),
                "--label-key", "label"), "data.jsonl:7", "gone.png");
    }

    @Test
    void undecodableImageNamesTheLine() throws Exception {
        Path bad = tmp.resolve("bad.png");
        Files.writeString(bad, "not a picture");
        Path m = tmp.resolve("m.jsonl");
        Files.writeString(m, "\n{\"image\": \"bad.png\", \"caption\": \"w1\"}\n");
        CliRunner.assertOneLineError(retrieval(m), "m.jsonl:2", "bad.png");
    }

    @Test
    void labelKeyThatNoRecordHas() throws Exception {
        CliRunner.assertOneLineError(CliRunner.run("eval", "zero-shot", "--model", CliFixture.HF.toString(), "--manifest",
                EvalCommandTest.manifest(tmp).toString(), "--label-key", "species"), "\"species\"", "--label-key");
    }

    @Test
    void missingLabelKeyOptionIsAUsageError() throws Exception {
        CliRunner r = CliRunner.run("eval", "zero-shot", "--model", CliFixture.HF.toString(), "--manifest",
                EvalCommandTest.manifest(tmp).toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--label-key");
    }

    @Test
    void recordLabelOutsideGivenLabelsNamesLineAndLabel() throws Exception {
        CliRunner.assertOneLineError(CliRunner.run("eval", "zero-shot", "--model", CliFixture.HF.toString(), "--manifest",
                EvalCommandTest.manifest(tmp).toString(), "--label-key", "label", "--labels", "w10,w11"),
                "data.jsonl:4", "\"w12\"", "--labels");
    }

    @Test
    void templateWithoutPlaceholder() throws Exception {
        CliRunner.assertOneLineError(CliRunner.run("eval", "zero-shot", "--model", CliFixture.HF.toString(), "--manifest",
                EvalCommandTest.manifest(tmp).toString(), "--label-key", "label", "--template", "a photo"), "{}");
    }

    @Test
    void compositionalWithoutHardNegatives() throws Exception {
        Path m = tmp.resolve("m.jsonl");
        Files.writeString(m, "{\"image\": \"a.png\", \"caption\": \"w1\"}\n");
        CliRunner.assertOneLineError(CliRunner.run("eval", "compositional", "--model", CliFixture.HF.toString(), "--manifest", m.toString()),
                "hard_negatives");
    }

    @Test
    void imageWithoutCaptionInRetrieval() throws Exception {
        Path m = tmp.resolve("m.jsonl");
        Files.writeString(m, "{\"image\": \"" + CliFixture.PIC0.toString().replace("\\", "/") + "\", \"label\": \"x\"}\n");
        CliRunner.assertOneLineError(retrieval(m), "m.jsonl:1", "no \"caption\"");
    }
}
