package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** data fraud-graph, graph train/eval/predict end to end on a small graph, and bad graph files as one line. */
class GraphCommandsTest {
    @TempDir
    static Path tmp;

    static Path data;
    static Path model;
    static CliRunner trained;

    @BeforeAll
    static void trainOnce() {
        data = tmp.resolve("fraud");
        CliRunner made = CliRunner.run("data", "fraud-graph", "--out", data.toString(), "--accounts", "400", "--seed", "2");
        assertThat(made.exitCode()).as(made.err()).isZero();
        model = tmp.resolve("model");
        trained = CliRunner.run("graph", "train", "--model", "rgcn", "--nodes", data.resolve("nodes.jsonl").toString(),
                "--edges", data.resolve("edges.jsonl").toString(), "--out", model.toString(), "--epochs", "10", "--format", "json");
    }

    @Test
    void trainWritesModelAndBaselineWithProvenance() throws Exception {
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        JsonNode out = Json.MAPPER.readTree(trained.out());
        assertThat(out.at("/model/kind").asText()).isEqualTo("rgcn");
        assertThat(out.at("/baseline/kind").asText()).isEqualTo("mlp");
        assertThat(out.at("/model/test/auroc").isNumber()).isTrue();
        for (Path dir : List.of(model, model.resolve("baseline"))) {
            assertThat(dir.resolve("config.json")).isRegularFile();
            assertThat(dir.resolve("model.safetensors")).isRegularFile();
            JsonNode provenance = Json.MAPPER.readTree(dir.resolve("provenance.json").toFile());
            assertThat(provenance.get("weights_sha256").asText()).hasSize(64);
            assertThat(provenance.get("trained_by").asText()).isEqualTo("autoglm graph train");
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("staging"));
        }
    }

    @Test
    void evalAnswersTheIssuesKeysForModelAndBaseline() throws Exception {
        CliRunner r = CliRunner.run("graph", "eval", "--model", model.toString(), "--nodes", data.resolve("nodes.jsonl").toString(),
                "--edges", data.resolve("edges.jsonl").toString(), "--split", "test", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode out = Json.MAPPER.readTree(r.out());
        for (String key : List.of("accuracy", "auroc", "average_precision", "recall_at_1pct_fpr", "n")) {
            assertThat(out.has(key)).as(key + " in " + r.out()).isTrue();
            assertThat(out.get("baseline").has(key)).as("baseline " + key).isTrue();
        }
        // The same numbers as the training run's test metrics: the saved weights are the ones evaluated.
        JsonNode atTraining = Json.MAPPER.readTree(trained.out()).at("/model/test");
        assertThat(out.get("auroc").asDouble()).isCloseTo(atTraining.get("auroc").asDouble(), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void predictAnswersOneJsonLinePerNode() throws Exception {
        CliRunner r = CliRunner.run("graph", "predict", "--model", model.toString(), "--nodes", data.resolve("nodes.jsonl").toString(),
                "--edges", data.resolve("edges.jsonl").toString(), "--ids", "acct-0,acct-1");
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        JsonNode first = Json.MAPPER.readTree(lines.get(0));
        assertThat(first.get("id").asText()).isEqualTo("acct-0");
        assertThat(first.get("probabilities").get("0").asDouble() + first.get("probabilities").get("1").asDouble())
                .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void badGraphFilesFailWithOneLine() throws Exception {
        Path nodes = tmp.resolve("bad-nodes.jsonl");
        Path edges = tmp.resolve("bad-edges.jsonl");
        Files.writeString(nodes, "{\"id\":\"a\",\"features\":[1,2],\"label\":\"x\",\"split\":\"train\"}\n"
                + "{\"id\":\"b\",\"features\":[1,2],\"label\":\"y\",\"split\":\"train\"}\n");
        Files.writeString(edges, "{\"source\":\"a\",\"target\":\"zz\"}\n");
        CliRunner.assertOneLineError(train(nodes, edges), "bad-edges.jsonl:1", "dangling edge", "'zz'");

        Files.writeString(edges, "{\"source\":\"a\",\"target\":\"b\"}\n");
        Files.writeString(nodes, "{\"id\":\"a\",\"split\":\"training\"}\n");
        CliRunner.assertOneLineError(train(nodes, edges), "bad-nodes.jsonl:1", "unknown split 'training'");

        Files.writeString(nodes, "{\"id\":\"a\",\"features\":[1,2]}\n{\"id\":\"b\",\"features\":[1,2,3]}\n");
        CliRunner.assertOneLineError(train(nodes, edges), "bad-nodes.jsonl:2", "3 features but line 1 has 2");

        Files.writeString(nodes, "{\"id\":\"a\"}\n{\"id\":\"a\"}\n");
        CliRunner.assertOneLineError(train(nodes, edges), "bad-nodes.jsonl:2", "duplicate node id 'a'");

        Files.writeString(nodes, "{\"id\":\"a\",\"label\":\"x\",\"split\":\"train\"}\n{\"id\":\"b\",\"label\":\"y\",\"split\":\"train\"}\n");
        CliRunner r = CliRunner.run("graph", "train", "--model", "transformer", "--nodes", nodes.toString(), "--edges", edges.toString(),
                "--out", tmp.resolve("never").toString());
        CliRunner.assertOneLineError(r, "unknown graph model 'transformer'");
        assertThat(tmp.resolve("never")).doesNotExist();
    }

    @Test
    void helpExplainsTheCommands() {
        CliRunner r = CliRunner.run("graph", "train", "--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("feature-only MLP baseline", "rgcn", "--config");
        assertThat(CliRunner.run("data", "fraud-graph", "--help").out()).contains("transfer, login, device, ip, profile_change");
    }

    private static CliRunner train(Path nodes, Path edges) {
        return CliRunner.run("graph", "train", "--model", "gcn", "--nodes", nodes.toString(), "--edges", edges.toString(),
                "--out", tmp.resolve("bad-model").toString(), "--epochs", "2");
    }
}
