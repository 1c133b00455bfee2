package io.openautoglm.cli;

import static io.openautoglm.cli.CliRunner.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.FilipScorer;
import io.openautoglm.core.MultimodalModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval retrieval --scorer filip} and {@code search --rerank N --reranker filip} with the
 * bundled model on a real ShapeWorld set and a real Lucene index on disk.
 */
class FilipScoringCommandTest {
    static final String MODEL = IndexAndSearchCommandTest.MODEL;
    static final String QUERY = "a red circle";

    @TempDir
    static Path shared;

    static Path data;
    static Path manifest;
    static Path index;

    @BeforeAll
    static void dataAndIndex() throws Exception {
        data = shared.resolve("data");
        CliRunner r = CliRunner.run("data", "shapeworld", "--out", data.toString(), "--count", "40", "--seed", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
        manifest = data.resolve("train.jsonl");
        index = shared.resolve("index");
        CliRunner built = CliRunner.run("index", "build", "--index", index.toString(), "--manifest", manifest.toString(),
                "--model", MODEL, "--kind", "exact", "--format", "json");
        assertThat(built.exitCode()).as(built.err()).isZero();
    }

    private static JsonNode json(String... args) throws Exception {
        CliRunner r = CliRunner.run(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    void evalRetrievalScoresWithFilipWhenAskedAndByTheModelsOwnSimilarityByDefault(@TempDir Path tmp) throws Exception {
        JsonNode pooled = json("eval", "retrieval", "--model", MODEL, "--manifest", manifest.toString(), "--format", "json");
        JsonNode filip = json("eval", "retrieval", "--model", MODEL, "--manifest", manifest.toString(), "--scorer", "filip",
                "--format", "json");
        assertThat(pooled.get("scorer").asText()).isEqualTo("pooled");
        assertThat(filip.get("scorer").asText()).isEqualTo("filip");
        assertThat(filip.get("model_similarity").asText()).isEqualTo("pooled");
        assertThat(filip.get("n").asInt()).isEqualTo(pooled.get("n").asInt());
        assertThat(filip.get("text_to_image").get("MRR").asDouble()).isNotEqualTo(pooled.get("text_to_image").get("MRR").asDouble());
        assertThat(filip.get("image_to_text").get("MRR").asDouble()).isBetween(0.0, 1.0);

        // A model folder whose config.json says it was trained for FILIP is scored with FILIP by default.
        Path copy = tmp.resolve("filip-model");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(Path.of(MODEL))) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        ObjectNode config = (ObjectNode) Json.MAPPER.readTree(copy.resolve("config.json").toFile());
        config.put("similarity", "filip");
        Files.writeString(copy.resolve("config.json"), Json.MAPPER.writeValueAsString(config));
        JsonNode byDefault = json("eval", "retrieval", "--model", copy.toString(), "--manifest", manifest.toString(), "--format", "json");
        assertThat(byDefault.get("scorer").asText()).isEqualTo("filip");
        assertThat(byDefault.get("text_to_image")).isEqualTo(filip.get("text_to_image"));
        // ShapeWorld repeats captions: counting every image of an identical caption can only raise R@1.
        assertThat(pooled.get("shared_captions").asInt()).isPositive();
        assertThat(pooled.get("text_to_image_same_caption").get("R@1").asDouble())
                .isGreaterThanOrEqualTo(pooled.get("text_to_image").get("R@1").asDouble());

        // Zero-shot likewise: FILIP when asked or when the model was trained for it, pooled otherwise.
        String[] zeroShot = {"eval", "zero-shot", "--manifest", manifest.toString(), "--label-key", "shape", "--template", "a {}",
            "--format", "json"};
        JsonNode zPooled = json(concat(new String[] {"--model", MODEL}, zeroShot));
        JsonNode zFilip = json(concat(new String[] {"--model", MODEL, "--scorer", "filip"}, zeroShot));
        JsonNode zByDefault = json(concat(new String[] {"--model", copy.toString()}, zeroShot));
        assertThat(zPooled.get("scorer").asText()).isEqualTo("pooled");
        assertThat(zFilip.get("scorer").asText()).isEqualTo("filip");
        assertThat(zByDefault.get("scorer").asText()).isEqualTo("filip");
        assertThat(zByDefault.get("top1")).isEqualTo(zFilip.get("top1"));
        assertThat(zByDefault.get("mean_per_class_recall")).isEqualTo(zFilip.get("mean_per_class_recall"));
        assertThat(zFilip.get("n").asInt()).isEqualTo(zPooled.get("n").asInt()).isPositive();
    }

    private static String[] concat(String[] head, String[] tail) {
        return Stream.concat(Stream.of(tail[0], tail[1]), Stream.concat(Stream.of(head), Stream.of(tail).skip(2))).toArray(String[]::new);
    }

    @Test
    void searchRerankedByFilipOrdersTheTopCandidatesByTheirFilipScores() throws Exception {
        JsonNode plain = json("search", "--index", index.toString(), "--text", QUERY, "-k", "10", "--format", "json");
        JsonNode reranked = json("search", "--index", index.toString(), "--text", QUERY, "-k", "10", "--rerank", "10",
                "--reranker", "filip", "--format", "json");
        List<String> plainPaths = paths(plain);
        List<String> rerankedPaths = paths(reranked);
        assertThat(rerankedPaths).hasSize(10).containsExactlyInAnyOrderElementsOf(plainPaths);
        assertThat(rerankedPaths).as("FILIP disagrees with the pooled order somewhere").isNotEqualTo(plainPaths);
        // The scores are FILIP's text-to-picture similarities, computed here independently, best first.
        try (MultimodalModel model = MultimodalModel.load(Path.of(MODEL))) {
            FilipScorer filip = new FilipScorer(model);
            float[] expected = filip.score(filip.embedPictureFiles(rerankedPaths.stream().map(Path::of).toList(), 4),
                    filip.embedTexts(List.of(QUERY), 1)).textToImage()[0];
            JsonNode results = reranked.get("results");
            for (int i = 0; i < expected.length; i++) {
                assertThat(results.get(i).get("score").asDouble()).as("rank %d", i + 1).isCloseTo(expected[i], within(1e-4));
                if (i > 0) {
                    assertThat(expected[i]).isLessThanOrEqualTo(expected[i - 1]);
                }
            }
        }
    }

    @Test
    void whatFilipCannotDoIsOneClearLine() throws Exception {
        assertOneLineError(CliRunner.run("eval", "retrieval", "--model", MODEL, "--manifest", manifest.toString(), "--scorer",
                "colbert"), "unknown scorer 'colbert'", "pooled or filip");
        assertOneLineError(CliRunner.run("search", "--index", index.toString(), "--image",
                data.resolve(Json.MAPPER.readTree(Files.readAllLines(manifest).get(0)).get("image").asText()).toString(),
                "--rerank", "5", "--reranker", "filip"), "FILIP needs a text query");
        assertOneLineError(CliRunner.run("search", "--index", index.toString(), "--text", QUERY, "--rerank", "5",
                "--reranker", "colbert"), "vectors, matching or filip");
    }

    private static List<String> paths(JsonNode hits) {
        List<String> out = new ArrayList<>();
        hits.get("results").forEach(h -> out.add(h.get("path").asText()));
        return out;
    }
}
