package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoglm serve --index}: a real index built from ShapeWorld pictures with the bundled
 * model, the real server on port 0, search by text and by picture, thumbnails, bad requests.
 */
class ServeSearchTest {
    @TempDir
    static Path shared;

    static Path data;
    static Path index;
    static String url;
    static CompletableFuture<Integer> exit;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void indexAndServe() throws Exception {
        data = shared.resolve("data");
        CliRunner gen = CliRunner.run("data", "shapeworld", "--out", data.toString(), "--count", "24", "--seed", "5");
        assertThat(gen.exitCode()).as(gen.err()).isZero();
        index = shared.resolve("index");
        CliRunner built = CliRunner.run("index", "build", "--index", index.toString(), "--manifest",
                data.resolve("train.jsonl").toString(), "--model", TrainAndDemoCommandTest.BUNDLED.toString());
        assertThat(built.exitCode()).as(built.err()).isZero();

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        exit = CompletableFuture.supplyAsync(() -> AutoglmCli.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "serve", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--port", "0", "--index", index.toString()));
        long start = System.nanoTime();
        while (!out.toString().contains("\n") && !exit.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(20);
        }
        String first = out.toString().lines().findFirst().orElse("");
        assertThat(first).as(err.toString()).startsWith("listening on http://");
        url = first.substring("listening on ".length());
    }

    @AfterAll
    static void stop() throws Exception {
        ServeCommand.RUNNING.forEach(ServeCommand::shutdown);
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> search(String json) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url + "/api/search")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static JsonNode ok(HttpResponse<byte[]> r) throws Exception {
        assertThat(r.statusCode()).as(new String(r.body())).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    /** The first training record: its picture (absolute) and metadata. */
    static JsonNode firstRecord() throws Exception {
        return Json.MAPPER.readTree(Files.readAllLines(data.resolve("train.jsonl")).get(0));
    }

    @Test
    void aPictureFindsItselfFirstAndItsThumbnailIsASmallPng() throws Exception {
        Path picture = data.resolve(firstRecord().get("image").asText());
        String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(picture));
        JsonNode results = ok(search("{\"image\": \"" + dataUrl + "\", \"k\": 3}")).get("results");
        assertThat(results).hasSize(3);
        JsonNode top = results.get(0);
        assertThat(top.get("score").asDouble()).isGreaterThan(0.999);
        assertThat(top.get("metadata").get("split").asText()).isEqualTo("train");
        assertThat(results.get(1).get("score").asDouble()).isLessThanOrEqualTo(top.get("score").asDouble());

        // Bare base64 works too, and finds the same picture.
        String bare = Base64.getEncoder().encodeToString(Files.readAllBytes(picture));
        assertThat(ok(search("{\"image\": \"" + bare + "\", \"k\": 1}")).get("results").get(0).get("id"))
                .isEqualTo(top.get("id"));

        String thumbUrl = top.get("thumbnail_url").asText();
        assertThat(thumbUrl).isEqualTo("/api/thumbnail/" + top.get("id").asText()).contains("/images/"); // ids hold slashes
        HttpResponse<byte[]> thumb = send(HttpRequest.newBuilder(URI.create(url + thumbUrl)).GET());
        assertThat(thumb.statusCode()).isEqualTo(200);
        assertThat(thumb.headers().firstValue("Content-Type")).hasValue("image/png");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(thumb.body()));
        BufferedImage original = ImageIO.read(picture.toFile());
        assertThat(Math.max(img.getWidth(), img.getHeight())).isEqualTo(Math.min(128, Math.max(original.getWidth(), original.getHeight())));
    }

    @Test
    void textRanksAsTheSearchCommandDoesAndFiltersApply() throws Exception {
        // Same index, same model: the server (embedding through its batcher and cache) must rank
        // exactly as the CLI does, scores included.
        String caption = firstRecord().get("caption").asText();
        JsonNode results = ok(search("{\"text\": " + Json.MAPPER.writeValueAsString(caption) + ", \"k\": 5}")).get("results");
        CliRunner cli = CliRunner.run("search", "--index", index.toString(), "--text", caption, "-k", "5", "--format", "json");
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        JsonNode expected = Json.MAPPER.readTree(cli.out()).get("results");
        assertThat(results).hasSize(5);
        for (int i = 0; i < 5; i++) {
            assertThat(results.get(i).get("id")).isEqualTo(expected.get(i).get("id"));
            assertThat(results.get(i).get("score").asDouble()).isCloseTo(expected.get(i).get("score").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-4));
            assertThat(results.get(i).get("metadata")).isEqualTo(expected.get(i).get("metadata"));
        }

        String shape = firstRecord().get("shape").asText();
        JsonNode filtered = ok(search("{\"text\": \"a picture\", \"k\": 100, \"filter\": {\"shape\": \"" + shape + "\"}}"))
                .get("results");
        assertThat(filtered.size()).isPositive();
        filtered.forEach(h -> assertThat(h.get("metadata").get("shape").asText()).isEqualTo(shape));
        JsonNode either = ok(search("{\"text\": \"a picture\", \"k\": 100, \"filter\": {\"shape\": [\"" + shape
                + "\", \"no-such-shape\"]}}")).get("results");
        assertThat(either.size()).isEqualTo(filtered.size());
    }

    @Test
    void readinessReportsTheIndex() throws Exception {
        JsonNode ready = ok(send(HttpRequest.newBuilder(URI.create(url + "/readyz")).GET()));
        assertThat(ready.get("checks").get("index").asBoolean()).isTrue();
        JsonNode info = ok(send(HttpRequest.newBuilder(URI.create(url + "/api/info")).GET()));
        assertThat(info.get("not_available").toString()).doesNotContain("/api/search");
    }

    @Test
    void badRequestsAre400AndUnknownIdsAre404() throws Exception {
        List<String> bad = List.of(
                "{}",
                "{\"text\": \"a circle\", \"image\": \"aGVsbG8=\"}",
                "{\"text\": \"a circle\", \"k\": 0}",
                "{\"text\": \"a circle\", \"k\": 101}",
                "{\"text\": \"a circle\", \"k\": \"ten\"}",
                "{\"text\": \"a circle\", \"filter\": \"shape=circle\"}",
                "{\"text\": \"a circle\", \"filter\": {\"shape\": 3}}",
                "{\"text\": \"a circle\", \"filter\": {\"shape\": []}}",
                "{\"text\": \"a circle\", \"nope\": 1}",
                "{\"text\": 7}",
                "{\"text\": \"  \"}",
                "{\"image\": \"not base64!\"}",
                "{\"image\": \"aGVsbG8=\"}",
                "[1, 2]",
                "not json");
        for (String body : bad) {
            HttpResponse<byte[]> r = search(body);
            assertThat(r.statusCode()).as(body + " -> " + new String(r.body())).isEqualTo(400);
            assertThat(Json.MAPPER.readTree(r.body()).get("error").get("message").asText()).as(body).isNotBlank();
        }
        for (String id : List.of("nope.png", "..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "a/b/c.png")) {
            HttpResponse<byte[]> r = send(HttpRequest.newBuilder(URI.create(url + "/api/thumbnail/" + id)).GET());
            assertThat(r.statusCode()).as(id).isIn(400, 404);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).as(id).startsWith("application/json");
        }
        HttpResponse<byte[]> unknown = send(HttpRequest.newBuilder(URI.create(url + "/api/thumbnail/nope.png")).GET());
        assertThat(unknown.statusCode()).isEqualTo(404);
    }

    @Test
    void anIndexOfAnotherModelIsRefusedAtStartWithOneLine() {
        CliRunner.assertOneLineError(CliRunner.run("serve", "--model", CliFixture.HF.toString(), "--port", "0",
                "--index", index.toString()), "was built with model autoglm-shapes-tiny", "different model");
        CliRunner.assertOneLineError(CliRunner.run("serve", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--port", "0",
                "--index", shared.resolve("none").toString()),
                "does not exist");
    }
}
