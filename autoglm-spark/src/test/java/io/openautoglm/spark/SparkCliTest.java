package io.openautoglm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `autoglm spark embed` given bad input: one line, exit 1, and the output folder untouched. No Spark starts. */
class SparkCliTest {
    static final String MODEL = SparkEmbedJobTest.MODEL.toString();

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = SparkCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static void assertOneLineError(Run r, String... fragments) {
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("autoglm: error: ").doesNotContain("\n").contains(fragments);
    }

    @Test
    void aManifestThatDoesNotExist() {
        Path out = dir.resolve("out");
        assertOneLineError(cli("embed", "--model", MODEL, "--manifest", dir.resolve("nope.jsonl").toString(), "--out", out.toString()),
                "manifest", "nope.jsonl", "does not exist");
        assertThat(out).doesNotExist();
    }

    @Test
    void aManifestWithABadLine() throws Exception {
        List<Path> pictures = Pictures.write(dir, 2, 1);
        Path manifest = Pictures.manifest(dir.resolve("m.jsonl"), pictures, "{\"image\": ");
        Path out = dir.resolve("out");
        assertOneLineError(cli("embed", "--model", MODEL, "--manifest", manifest.toString(), "--out", out.toString()),
                "m.jsonl:3", "not valid JSON");
        assertThat(out).doesNotExist();
    }

    @Test
    void aParquetTableThatDoesNotExist() {
        Path out = dir.resolve("out");
        assertOneLineError(cli("embed", "--model", MODEL, "--parquet", dir.resolve("none.parquet").toString(), "--out", out.toString()),
                "parquet table", "none.parquet", "does not exist");
        assertThat(out).doesNotExist();
    }

    @Test
    void aModelFolderThatDoesNotExist() throws Exception {
        Path manifest = Pictures.manifest(dir.resolve("m.jsonl"), Pictures.write(dir, 1, 1));
        assertOneLineError(cli("embed", "--model", dir.resolve("no-model").toString(), "--manifest", manifest.toString(),
                "--out", dir.resolve("out").toString()), "model folder", "does not exist");
    }

    @Test
    void anOutputFolderOfAnotherModelIsRefusedAndLeftAsItWas() throws Exception {
        Path manifest = Pictures.manifest(dir.resolve("m.jsonl"), Pictures.write(dir, 1, 1));
        Path out = Files.createDirectories(dir.resolve("out"));
        String record = "{\"format\": \"autoglm-spark-embeddings\", \"version\": 1, \"model\": {\"name\": \"other\","
                + " \"weights_sha256\": \"" + "ab".repeat(32) + "\", \"dim\": 64, \"normalized\": true, \"path\": \"/models/other\"}}";
        Files.writeString(out.resolve(OutputFolder.MODEL_FILE), record);
        assertOneLineError(cli("embed", "--model", MODEL, "--manifest", manifest.toString(), "--out", out.toString()),
                "output folder", "other", "different model", "choose another --out");
        try (var files = Files.list(out)) {
            assertThat(files).containsExactly(out.resolve(OutputFolder.MODEL_FILE));
        }
    }

    @Test
    void aFolderThatIsNotOurOutputIsRefused() throws Exception {
        Path manifest = Pictures.manifest(dir.resolve("m.jsonl"), Pictures.write(dir, 1, 1));
        Path out = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(out.resolve("holiday.txt"), "mine");
        assertOneLineError(cli("embed", "--model", MODEL, "--manifest", manifest.toString(), "--out", out.toString()),
                "not empty", OutputFolder.MODEL_FILE);
    }

    @Test
    void aBadBatchSize() throws Exception {
        Path manifest = Pictures.manifest(dir.resolve("m.jsonl"), Pictures.write(dir, 1, 1));
        assertOneLineError(cli("embed", "--model", MODEL, "--manifest", manifest.toString(), "--out", dir.resolve("o").toString(),
                "--batch-size", "0"), "--batch-size must be at least 1");
    }

    @Test
    void helpExplainsTheCommand() {
        Run r = cli("embed", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--manifest", "--parquet", "--out", "--master", "--batch-size", "--partitions", "SHA-256",
                "failures", "SIGTERM");
    }
}
