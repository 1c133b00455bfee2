package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.data.Manifest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autoglm data shapeworld} end to end, and its one-line errors. */
class ShapeWorldCommandTest {
    @TempDir
    Path tmp;

    @Test
    void writesADatasetAndReportsItAsJson() throws Exception {
        Path out = tmp.resolve("sw");
        CliRunner r = CliRunner.run("data", "shapeworld", "--out", out.toString(), "--count", "40", "--size", "32",
                "--seed", "7", "--splits", "0.5,0.25,0.25", "--no-rotation", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode summary = Json.MAPPER.readTree(r.out());
        assertThat(summary.get("images").asInt()).isEqualTo(40);
        int total = 0;
        for (String split : new String[] {"train", "val", "test"}) {
            int n = summary.get("splits").get(split).asInt();
            assertThat(n).as(split).isPositive();
            Manifest m = Manifest.read(out.resolve(split + ".jsonl"));
            assertThat(m.size()).isEqualTo(n);
            assertThat(m.records()).allSatisfy(rec -> assertThat(rec.image()).exists());
            assertThat(m.records()).allSatisfy(rec -> assertThat(rec.fields().get("scene").get("objects"))
                    .allSatisfy(o -> assertThat(o.get("rotation").asDouble()).isZero()));
            total += n;
        }
        assertThat(total).isEqualTo(40);
        try (var images = Files.list(out.resolve("images"))) {
            assertThat(images.count()).isEqualTo(40);
        }
        JsonNode prov = Json.MAPPER.readTree(out.resolve("shapeworld.json").toFile());
        assertThat(prov.get("config").get("size").asInt()).isEqualTo(32);
        assertThat(prov.get("config").get("rotation").asBoolean()).isFalse();
    }

    @Test
    void textSummaryNamesTheSplits() {
        CliRunner r = CliRunner.run("data", "shapeworld", "--out", tmp.resolve("t").toString(), "--count", "10", "--size", "32");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("wrote 10 images", "train", "val", "test", "shapeworld.json");
    }

    private static void assertOneLineError(CliRunner r, String... fragments) {
        assertThat(r.exitCode()).as(r.err()).isEqualTo(AutoglmCli.EXIT_USER_ERROR);
        assertThat(r.errLines()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("autoglm: error: ").contains(fragments);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void badOptionsAreOneLineErrors() throws Exception {
        String out = tmp.resolve("bad").toString();
        assertOneLineError(CliRunner.run("data", "shapeworld", "--out", out, "--count", "0"), "--count", "between 1");
        assertOneLineError(CliRunner.run("data", "shapeworld", "--out", out, "--count", "5", "--splits", "0.8,0.1,0.2"), "--splits", "sum to 1");
        assertOneLineError(CliRunner.run("data", "shapeworld", "--out", out, "--count", "5", "--splits", "0.8,0.2"), "--splits", "three");
        assertOneLineError(CliRunner.run("data", "shapeworld", "--out", out, "--count", "5", "--size", "8"), "--size");
        Path full = tmp.resolve("full");
        Files.createDirectories(full);
        Files.writeString(full.resolve("x.txt"), "x");
        assertOneLineError(CliRunner.run("data", "shapeworld", "--out", full.toString(), "--count", "5"), "not empty", "--overwrite");
        assertThat(full.resolve("train.jsonl")).doesNotExist();
    }
}
