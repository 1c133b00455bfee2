package io.openautoglm.cli;

import static io.openautoglm.cli.CliRunner.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autoglm index build/info} and {@code autoglm search} end to end with the bundled model on ShapeWorld pictures. */
class IndexAndSearchCommandTest {
    static final String MODEL = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize().toString();

    @TempDir
    static Path shared;

    static Path data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void pictures() {
        data = shared.resolve("data");
        CliRunner r = CliRunner.run("data", "shapeworld", "--out", data.toString(), "--count", "40", "--seed", "3");
        assertThat(r.exitCode()).as(r.err()).isZero();
    }

    static JsonNode json(CliRunner r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.MAPPER.readTree(r.out());
    }

    /** The generated pictures copied into a folder: {@code n} at the top, the rest under {@code sub/}. */
    private Path folder(int top) throws Exception {
        Path dir = tmp.resolve("pics");
        Files.createDirectories(dir.resolve("sub"));
        List<Path> pngs;
        try (Stream<Path> s = Files.list(data.resolve("images"))) {
            pngs = s.sorted().toList();
        }
        for (int i = 0; i < pngs.size(); i++) {
            Files.copy(pngs.get(i), (i < top ? dir : dir.resolve("sub")).resolve(pngs.get(i).getFileName()));
        }
        return dir;
    }

    private static CliRunner build(Path index, Path images, String... more) {
        List<String> args = new ArrayList<>(List.of("index", "build", "--index", index.toString(), "--images", images.toString(),
                "--model", MODEL, "--format", "json"));
        args.addAll(List.of(more));
        return CliRunner.run(args.toArray(String[]::new));
    }

    @Test
    void buildIsIncrementalListsBadPicturesAndRemovesVanishedOnes() throws Exception {
        Path pics = folder(30);
        Files.write(pics.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        Path index = tmp.resolve("index");

        JsonNode first = json(build(index, pics));
        assertThat(first.get("total").asInt()).isEqualTo(41);
        assertThat(first.get("added").asInt()).isEqualTo(40);
        assertThat(first.get("count").asInt()).isEqualTo(40);
        assertThat(first.get("failed")).hasSize(1);
        assertThat(first.get("failed").get(0).get("id").asText()).isEqualTo("broken.png");
        assertThat(first.get("failed").get(0).get("reason").asText()).contains("broken.png");

        JsonNode again = json(build(index, pics));
        assertThat(again.get("unchanged").asInt()).isEqualTo(40);
        assertThat(again.get("added").asInt() + again.get("updated").asInt()).isZero();

        // One picture changes content, one disappears, the broken one is fixed.
        Path changed;
        try (Stream<Path> s = Files.list(pics)) {
            List<Path> top = s.filter(p -> p.toString().endsWith(".png") && !p.endsWith("broken.png")).sorted().toList();
            changed = top.get(0);
            Files.copy(top.get(1), changed, StandardCopyOption.REPLACE_EXISTING);
            Files.delete(top.get(2));
            Files.copy(top.get(3), pics.resolve("broken.png"), StandardCopyOption.REPLACE_EXISTING);
        }
        JsonNode third = json(build(index, pics));
        assertThat(third.get("updated").asInt()).isEqualTo(1);
        assertThat(third.get("added").asInt()).isEqualTo(1);
        assertThat(third.get("removed").asInt()).isEqualTo(1);
        assertThat(third.get("unchanged").asInt()).isEqualTo(38);
        assertThat(third.get("failed")).isEmpty();
        assertThat(third.get("count").asInt()).isEqualTo(40);

        JsonNode info = json(CliRunner.run("index", "info", "--index", index.toString(), "--format", "json"));
        assertThat(info.get("count").asInt()).isEqualTo(40);
        assertThat(info.get("dim").asInt()).isEqualTo(128);
        assertThat(info.get("model").get("name").asText()).isEqualTo("autoglm-shapes-tiny");
        assertThat(info.get("model").get("weights_sha256").asText()).hasSize(64);
        assertThat(info.get("kind").asText()).isEqualTo("hnsw");
        assertThat(info.get("size_bytes").asLong()).isPositive();
    }

    @Test
    void searchByTextAndByPictureWithFilters() throws Exception {
        Path pics = folder(30);
        Path index = tmp.resolve("index");
        json(build(index, pics));

        // A picture finds itself first, at cosine 1; results carry id, path, score and metadata.
        Path query = pics.resolve("sub").resolve(Files.list(pics.resolve("sub")).sorted().findFirst().orElseThrow().getFileName());
        JsonNode byImage = json(CliRunner.run("search", "--index", index.toString(), "--image", query.toString(), "-k", "5",
                "--format", "json"));
        JsonNode top = byImage.get("results").get(0);
        assertThat(top.get("path").asText()).isEqualTo(query.toAbsolutePath().normalize().toString());
        assertThat(top.get("id").asText()).isEqualTo("sub/" + query.getFileName());
        assertThat(top.get("score").asDouble()).isGreaterThan(0.999);
        assertThat(top.get("metadata").get("folder").asText()).isEqualTo("sub");
        assertThat(byImage.get("results")).hasSize(5);
        double previous = 2;
        for (JsonNode hit : byImage.get("results")) {
            assertThat(hit.get("score").asDouble()).isLessThanOrEqualTo(previous);
            previous = hit.get("score").asDouble();
        }

        // The query is embedded with the index's recorded model (no --model here); the filter keeps sub/ only.
        JsonNode byText = json(CliRunner.run("search", "--index", index.toString(), "--text", "a large red circle", "-k", "20",
                "--filter", "folder=sub", "--format", "json"));
        assertThat(byText.get("results")).hasSize(10);
        byText.get("results").forEach(h -> assertThat(h.get("id").asText()).startsWith("sub/"));

        CliRunner text = CliRunner.run("search", "--index", index.toString(), "--text", "a blue square", "-k", "3");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out().lines()).hasSize(3).allMatch(l -> l.matches("\\s+\\d+\\s+-?\\d\\.\\d{4}\\s+/.*\\.png"));
    }

    @Test
    void manifestMetadataAndEveryIndexKindAgreeOnTheBestMatch() throws Exception {
        Path manifest = data.resolve("train.jsonl");
        String query = Files.readAllLines(manifest).get(0);
        Path firstImage = data.resolve(Json.MAPPER.readTree(query).get("image").asText()).toAbsolutePath().normalize();
        for (String[] kind : new String[][] {{"--kind", "hnsw"}, {"--quantization", "int8"}, {"--kind", "exact"}}) {
            Path index = tmp.resolve("index-" + kind[1]);
            JsonNode built = json(CliRunner.run("index", "build", "--index", index.toString(), "--manifest", manifest.toString(),
                    "--model", MODEL, kind[0], kind[1], "--format", "json"));
            assertThat(built.get("count").asInt()).as(kind[1]).isPositive();
            JsonNode hits = json(CliRunner.run("search", "--index", index.toString(), "--image", firstImage.toString(),
                    "-k", "1", "--rerank", "20", "--format", "json"));
            JsonNode top = hits.get("results").get(0);
            assertThat(top.get("path").asText()).as(kind[1]).isEqualTo(firstImage.toString());
            assertThat(top.get("metadata").get("split").asText()).isEqualTo("train");
            assertThat(top.get("metadata").get("caption").asText()).isNotBlank();
            JsonNode filtered = json(CliRunner.run("search", "--index", index.toString(), "--text", "a circle", "-k", "50",
                    "--filter", "shape=circle", "--format", "json"));
            filtered.get("results").forEach(h -> assertThat(h.get("metadata").get("shape").asText()).isEqualTo("circle"));
        }
    }

    @Test
    void anotherModelIsRefusedWithOneLine() throws Exception {
        Path pics = folder(40);
        Path index = tmp.resolve("index");
        json(build(index, pics));
        String other = CliFixture.HF.toString();
        assertOneLineError(CliRunner.run("search", "--index", index.toString(), "--text", "a red circle", "--model", other),
                "was built with model autoglm-shapes-tiny", "different model", "leave out --model");
        assertOneLineError(CliRunner.run("index", "build", "--index", index.toString(), "--images", pics.toString(),
                "--model", other), "different model", "leave out --model");
        assertOneLineError(CliRunner.run("index", "build", "--index", index.toString(), "--images", pics.toString(),
                "--quantization", "int8"), "fixed when an index is created");
    }

    @Test
    void userMistakesAreOneLine() throws Exception {
        Path missing = tmp.resolve("nope");
        assertOneLineError(CliRunner.run("search", "--index", missing.toString(), "--text", "x"), "does not exist");
        assertOneLineError(CliRunner.run("index", "info", "--index", tmp.toString()), "is not an autoglm index");
        assertOneLineError(CliRunner.run("index", "build", "--index", tmp.resolve("i").toString(), "--images",
                missing.toString(), "--model", MODEL), "does not exist");
        Files.createDirectories(tmp.resolve("empty"));
        assertOneLineError(CliRunner.run("index", "build", "--index", tmp.resolve("i").toString(), "--images",
                tmp.resolve("empty").toString(), "--model", MODEL), "has no pictures");
        Path pics = folder(40);
        Path index = tmp.resolve("index");
        json(build(index, pics));
        assertOneLineError(CliRunner.run("search", "--index", index.toString(), "--text", "x", "--filter", "nokey"), "key=value");
        assertOneLineError(CliRunner.run("search", "--index", index.toString(), "--text", "x", "-k", "0"), "-k");
        assertOneLineError(CliRunner.run("search", "--index", index.toString(), "--image", tmp.resolve("nope.png").toString()),
                "query picture", "does not exist");
        assertThat(CliRunner.run("search", "--index", index.toString()).exitCode()).isEqualTo(2); // neither --text nor --image
        assertThat(tmp.resolve("i")).as("no index appears for a failed first build").doesNotExist();
    }
}
