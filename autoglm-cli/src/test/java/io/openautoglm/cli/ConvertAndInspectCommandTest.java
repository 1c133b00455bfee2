package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConvertAndInspectCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void convertWritesOurFormatThatEmbedsLikeTheSource() throws Exception {
        Path out = tmp.resolve("converted");
        CliRunner r = CliRunner.run("convert", CliFixture.OPENAI.toString(), out.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("verified");
        for (String f : new String[] {"config.json", "model.safetensors", "tokenizer.json", "preprocessor.json", "provenance.json"}) {
            assertThat(out.resolve(f)).isRegularFile();
        }
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
        JsonNode provenance = JSON.readTree(out.resolve("provenance.json").toFile());
        assertThat(provenance.get("converted_from_layout").asText()).isEqualTo("OPENAI");
        assertThat(provenance.get("autoglm_version").asText()).isNotBlank();

        CliRunner a = CliRunner.run("embed", "--model", out.toString(), "--text", "w6 w18 w43", "--format", "json");
        CliRunner b = CliRunner.run("embed", "--model", CliFixture.HF.toString(), "--text", "w6 w18 w43", "--format", "json");
        assertThat(JSON.readTree(a.out()).get("items")).isEqualTo(JSON.readTree(b.out()).get("items"));

        CliRunner again = CliRunner.run("convert", CliFixture.OPENAI.toString(), out.toString());
        assertThat(again.exitCode()).isEqualTo(AutoglmCli.EXIT_USER_ERROR);
        assertThat(again.err()).contains("not empty").contains("--overwrite");
        assertThat(CliRunner.run("convert", CliFixture.OPENAI.toString(), out.toString(), "--overwrite").exitCode()).isZero();
    }

    @Test
    void inspectReportsLayoutConfigAndParameterCounts() throws Exception {
        CliRunner r = CliRunner.run("inspect", CliFixture.HF.toString(), "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.get("layout").asText()).isEqualTo("HUGGING_FACE");
        assertThat(root.get("config").get("vision_config").get("hidden_size").asInt()).isEqualTo(64);
        JsonNode p = root.get("parameters");
        // Vision: patch 64*3*8*8 + class 64 + positions 17*64 + 2 LNs + 2 layers of (4*(64*64+64) + 2 LNs + MLP).
        long layer = 4 * (64 * 64 + 64) + 2 * 128 + (64 * 256 + 256) + (256 * 64 + 64);
        assertThat(p.get("vision").asLong()).isEqualTo(64 * 3 * 8 * 8 + 64 + 17 * 64 + 2 * 128 + 2 * layer);
        assertThat(p.get("total").asLong()).isEqualTo(
                p.get("vision").asLong() + p.get("text").asLong() + p.get("projections").asLong());
        assertThat(root.get("logit_scale").asDouble()).isCloseTo(20.0, org.assertj.core.data.Offset.offset(1e-3));

        CliRunner text = CliRunner.run("inspect", CliFixture.OPENAI.toString());
        assertThat(text.out()).contains("OpenAI/open_clip folder").contains("quick_gelu").contains("total 198,657");
    }
}
