package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class EmbedAndClassifyCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void embedPrintsTextsThenImagesAsOneJsonObject() throws Exception {
        CliRunner r = CliRunner.run("embed", "--model", CliFixture.HF.toString(), "--image", CliFixture.PIC0.toString(),
                "--text", "w6 w18 w43", "--text", "w497", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode root = JSON.readTree(r.out());
        assertThat(root.get("dim").asInt()).isEqualTo(32);
        assertThat(root.get("normalized").asBoolean()).isTrue();
        JsonNode items = root.get("items");
        assertThat(items).hasSize(3);
        assertThat(items.get(0).get("type").asText()).isEqualTo("text");
        assertThat(items.get(0).get("input").asText()).isEqualTo("w6 w18 w43");
        assertThat(items.get(1).get("input").asText()).isEqualTo("w497");
        assertThat(items.get(2).get("type").asText()).isEqualTo("image");
        double norm = 0;
        for (JsonNode v : items.get(2).get("embedding")) {
            norm += v.asDouble() * v.asDouble();
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    @Test
    void embedGivesTheReferenceTextEmbeddingUnnormalized() throws Exception {
        CliRunner r = CliRunner.run("embed", "--model", CliFixture.OPENAI.toString(), "--text", "w6 w18 w43",
                "--no-normalize", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode ours = JSON.readTree(r.out()).get("items").get(0).get("embedding");
        JsonNode expected = JSON.readTree(CliFixture.ROOT.resolve("expected.json").toFile()).get("text_embeds").get(0);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(ours.get(i).asDouble()).isCloseTo(expected.get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void classifyRanksLabelsWithSoftmaxScores() throws Exception {
        CliRunner r = CliRunner.run("classify", "--model", CliFixture.HF.toString(), "--labels", "w6,w18,w43",
                "--template", "{}", "--top-k", "2", "--format", "json", CliFixture.PIC0.toString(), CliFixture.PIC2.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode results = JSON.readTree(r.out()).get("results");
        assertThat(results).hasSize(2);
        JsonNode labels = results.get(0).get("labels");
        assertThat(labels).hasSize(2);
        assertThat(labels.get(0).get("score").asDouble()).isGreaterThanOrEqualTo(labels.get(1).get("score").asDouble());
        assertThat(results.get(0).get("image").asText()).endsWith("pic0_32x32_RGB.png");
    }

    @Test
    void classifyTextOutputShowsPercentages() {
        CliRunner r = CliRunner.run("classify", "--model", CliFixture.HF.toString(), "--labels", "w6,w18",
                CliFixture.PIC0.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("pic0_32x32_RGB.png").contains("w6").contains("%");
    }

    @Test
    void helpExplainsEveryOptionWithDefaults() {
        CliRunner r = CliRunner.run("embed", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("--batch-size").contains("default: 32").contains("--no-normalize").contains("--format");
        CliRunner c = CliRunner.run("classify", "--help");
        assertThat(c.out()).contains("--template").contains("a photo of a {}.").contains("--top-k").contains("default: 5");
    }
}
