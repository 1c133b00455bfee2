package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every user mistake gives exit code 1 and one line on stderr that names the problem. */
class BadInputTest {
    @TempDir
    Path tmp;

    @Test
    void missingModelDirectory() {
        CliRunner.assertOneLineError(CliRunner.run("embed", "--model", tmp.resolve("nope").toString(), "--text", "x"),
                "does not exist", "nope");
    }

    @Test
    void folderOfAnotherLayout() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"bert\"}");
        CliRunner.assertOneLineError(CliRunner.run("embed", "--model", tmp.toString(), "--text", "x"),
                "not a CLIP config", "Hugging Face CLIPModel folder");
    }

    @Test
    void emptyFolderNamesTheLayoutsWeRead() {
        CliRunner.assertOneLineError(CliRunner.run("inspect", tmp.toString()),
                "not a model directory we can read", "open_clip_config.json");
    }

    @Test
    void truncatedSafetensors() throws Exception {
        Path dir = copyOf(CliFixture.HF);
        byte[] weights = Files.readAllBytes(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), Arrays.copyOf(weights, weights.length / 2));
        CliRunner.assertOneLineError(CliRunner.run("embed", "--model", dir.toString(), "--text", "x"),
                "model.safetensors", "truncated");
    }

    @Test
    void weightsThatDoNotFitTheConfigListWhatIsWrong() throws Exception {
        Path dir = copyOf(CliFixture.HF);
        String config = Files.readString(dir.resolve("config.json")).replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3");
        Files.writeString(dir.resolve("config.json"), config);
        CliRunner.assertOneLineError(CliRunner.run("inspect", dir.toString()), "missing", "layers.2");
    }

    @Test
    void corruptPng() throws Exception {
        byte[] png = Files.readAllBytes(CliFixture.PIC0);
        Path bad = tmp.resolve("broken.png");
        Files.write(bad, Arrays.copyOf(png, png.length / 2));
        CliRunner.assertOneLineError(CliRunner.run("embed", "--model", CliFixture.HF.toString(), "--image", bad.toString()),
                "broken.png");
    }

    @Test
    void textFileNamedLikeAnImage() throws Exception {
        Path bad = tmp.resolve("notes.jpg");
        Files.writeString(bad, "hello, not a picture");
        CliRunner.assertOneLineError(CliRunner.run("classify", "--model", CliFixture.HF.toString(), "--labels", "a,b", bad.toString()),
                "notes.jpg");
    }

    @Test
    void hugeImageIsRefusedBeforeDecoding() throws Exception {
        // A 10000 x 9000 picture is over the default 89.5-megapixel limit; PNG of one color stays small.
        Path huge = tmp.resolve("huge.png");
        BufferedImage img = new BufferedImage(10_000, 9_000, BufferedImage.TYPE_BYTE_BINARY);
        ImageIO.write(img, "png", huge.toFile());
        CliRunner.assertOneLineError(CliRunner.run("embed", "--model", CliFixture.HF.toString(), "--image", huge.toString()),
                "huge.png", "10000");
    }

    @Test
    void missingImageFile() {
        CliRunner.assertOneLineError(CliRunner.run("embed", "--model", CliFixture.HF.toString(), "--image", tmp.resolve("gone.png").toString()),
                "gone.png");
    }

    @Test
    void nothingToEmbed() {
        CliRunner.assertOneLineError(CliRunner.run("embed", "--model", CliFixture.HF.toString()), "--text", "--image");
    }

    @Test
    void badLabelsAndTemplates() {
        CliRunner.assertOneLineError(CliRunner.run("classify", "--model", CliFixture.HF.toString(), "--labels", "a,a",
                CliFixture.PIC0.toString()), "duplicates");
        CliRunner.assertOneLineError(CliRunner.run("classify", "--model", CliFixture.HF.toString(), "--labels", "a,b",
                "--template", "no placeholder", CliFixture.PIC0.toString()), "{}");
    }

    @Test
    void zeroBatchSize() {
        CliRunner.assertOneLineError(CliRunner.run("embed", "--model", CliFixture.HF.toString(), "--text", "x", "--batch-size", "0"),
                "batch size");
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRunner r = CliRunner.run("embed", "--frobnicate");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--frobnicate");
    }

    private Path copyOf(Path model) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("model"));
        try (var files = Files.list(model)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }
}
