package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** data recsys, graph recommend train/eval end to end on a small set with the bundled model, data karate, bad inputs one line each. */
class RecommendCommandsTest {
    static final String MODEL = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize().toString();

    @TempDir
    static Path tmp;

    static Path data;
    static Path ranker;
    static CliRunner trained;

    @BeforeAll
    static void makeAndTrain() {
        data = tmp.resolve("recsys");
        CliRunner made = CliRunner.run("data", "recsys", "--out", data.toString(), "--users", "40", "--items", "40", "--seed", "1",
                "--model", MODEL, "--format", "json");
        assertThat(made.exitCode()).as(made.err()).isZero();
        ranker = tmp.resolve("ranker");
        trained = CliRunner.run("graph", "recommend", "train", "--data", data.toString(), "--model", "dcn", "--out", ranker.toString(),
                "--epochs", "2", "--format", "json");
    }

    @Test
    void dataHasItsFilesAndTrainWritesARankerFolder() throws Exception {
        for (String f : List.of("items.jsonl", "users.jsonl", "interactions.jsonl", "recsys.json", "images/000000.png")) {
            assertThat(data.resolve(f)).isRegularFile();
        }
        JsonNode item = Json.MAPPER.readTree(Files.readAllLines(data.resolve("items.jsonl")).get(0));
        assertThat(item.get("features").size()).isEqualTo(256); // 128 image + 128 caption dimensions of the bundled model
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        JsonNode out = Json.MAPPER.readTree(trained.out());
        assertThat(out.at("/test/auroc_click").isNumber()).isTrue();
        assertThat(out.at("/popularity/cold/ndcg_at_10").isNumber()).isTrue();
        for (String f : List.of("config.json", "model.safetensors", "provenance.json")) {
            assertThat(ranker.resolve(f)).isRegularFile();
        }
        JsonNode provenance = Json.MAPPER.readTree(ranker.resolve("provenance.json").toFile());
        assertThat(provenance.get("weights_sha256").asText()).hasSize(64);
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("staging"));
        }
    }

    @Test
    void evalAnswersTheKeysBesidePopularity() throws Exception {
        CliRunner r = CliRunner.run("graph", "recommend", "eval", "--model", ranker.toString(), "--data", data.toString(), "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode out = Json.MAPPER.readTree(r.out());
        for (String key : List.of("auroc_click", "auroc_like", "ndcg_at_10", "recall_at_10", "n_users")) {
            assertThat(out.has(key)).as(key + " in " + r.out()).isTrue();
            assertThat(out.get("popularity").has(key)).as("popularity " + key).isTrue();
            assertThat(out.get("cold").has(key) || key.startsWith("auroc")).as("cold " + key).isTrue();
        }
        assertThat(out.get("kind").asText()).isEqualTo("dcn");
        // The figures of the saved ranker are the ones train reported (the folder round-trips).
        assertThat(out.get("auroc_click").asDouble()).isEqualTo(Json.MAPPER.readTree(trained.out()).at("/test/auroc_click").asDouble());
    }

    @Test
    void karateWritesTheClub() throws Exception {
        Path dir = tmp.resolve("karate");
        CliRunner r = CliRunner.run("data", "karate", "--out", dir.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readAllLines(dir.resolve("nodes.jsonl"))).hasSize(34);
        assertThat(Files.readAllLines(dir.resolve("edges.jsonl"))).hasSize(78);
        assertThat(Files.readAllLines(dir.resolve("nodes.jsonl")).stream().filter(l -> l.contains("\"train\""))).hasSize(2);
    }

    @Test
    void badInputsAreOneLineEach() {
        CliRunner.assertOneLineError(CliRunner.run("data", "recsys", "--out", tmp.resolve("x").toString(), "--users", "3"), "--users");
        CliRunner.assertOneLineError(CliRunner.run("data", "recsys", "--out", data.toString(), "--model", MODEL), "not empty");
        CliRunner.assertOneLineError(CliRunner.run("graph", "recommend", "train", "--data", data.toString(), "--model", "svd",
                "--out", tmp.resolve("y").toString()), "two-tower or dcn");
        CliRunner.assertOneLineError(CliRunner.run("graph", "recommend", "train", "--data", tmp.resolve("none").toString(),
                "--model", "dcn", "--out", tmp.resolve("y").toString()), "data recsys");
        CliRunner.assertOneLineError(CliRunner.run("graph", "recommend", "eval", "--model", data.toString(), "--data", data.toString()),
                "not a ranker directory");
        CliRunner.assertOneLineError(CliRunner.run("graph", "recommend", "eval", "--model", ranker.toString(), "--data", data.toString(),
                "--split", "train"), "use val or test");
    }
}
