package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code autoglm serve} in-process on port 0: first line, a real request, a graceful stop. */
class ServeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void servesTheModelOnAFreePortAndPrintsWhereFirst() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> AutoglmCli.run(new PrintWriter(out, true),
                new PrintWriter(err, true), "serve", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--port", "0",
                "--no-gallery"));
        long start = System.nanoTime();
        while (!out.toString().contains("\n") && !exit.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(20);
        }
        String first = out.toString().lines().findFirst().orElse("");
        assertThat(first).as(err.toString()).matches("listening on http://127\\.0\\.0\\.1:\\d+");
        String url = first.substring("listening on ".length());
        assertThat(url).doesNotEndWith(":0");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/v1/embeddings"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"autoglm-shapes-tiny\", \"input\": \"a red circle\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.MAPPER.readTree(r.body());
        assertThat(body.get("data").get(0).get("embedding").size()).isPositive();
        HttpResponse<String> search = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/search"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"a red circle\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(search.statusCode()).as("--no-gallery serves no search").isEqualTo(501);

        assertThat(ServeCommand.RUNNING).hasSize(1);
        ServeCommand.RUNNING.get(0).shutdown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void withoutAnIndexTheDemoGalleryIsBuiltOnceAndReused() throws Exception {
        Path gallery = tmp.resolve("gallery");
        for (int start = 0; start < 2; start++) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> AutoglmCli.run(new PrintWriter(out, true),
                    new PrintWriter(err, true), "serve", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--port", "0",
                    "--gallery-dir", gallery.toString()));
            long t0 = System.nanoTime();
            while (!out.toString().contains("\n") && !exit.isDone() && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(120)) {
                Thread.sleep(20);
            }
            String first = out.toString().lines().findFirst().orElse("");
            assertThat(first).as(err.toString()).startsWith("listening on http://");
            if (start == 0) {
                assertThat(err.toString()).contains("generating " + DemoGallery.COUNT).contains("indexing");
            } else {
                assertThat(err.toString()).as("the second start reuses the gallery").doesNotContain("generating").doesNotContain("indexing");
            }
            String url = first.substring("listening on ".length());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/search"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"text\": \"a red circle\", \"k\": 4}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(Json.MAPPER.readTree(r.body()).get("results")).hasSize(4);
            ServeCommand.RUNNING.get(0).shutdown();
            assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
        }
        try (var files = Files.list(gallery)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).as("no partial folders left")
                    .allMatch(n -> !n.endsWith(".partial")).hasSize(2);
        }
    }

    @Test
    void anAddressOffLoopbackWithoutAKeyIsOneLine() {
        CliRunner.assertOneLineError(CliRunner.run("serve", "--model", TrainAndDemoCommandTest.BUNDLED.toString(),
                "--host", "0.0.0.0", "--port", "0"), "needs an API key");
    }

    @Test
    void anEmptyKeyFileIsOneLine() throws Exception {
        Path key = Files.writeString(tmp.resolve("key"), "\n");
        CliRunner.assertOneLineError(CliRunner.run("serve", "--model", TrainAndDemoCommandTest.BUNDLED.toString(),
                "--api-key-file", key.toString(), "--port", "0"), "is empty");
    }

    @Test
    void badBatchingValuesAreOneLine() {
        CliRunner.assertOneLineError(CliRunner.run("serve", "--model", TrainAndDemoCommandTest.BUNDLED.toString(),
                "--batch-size", "0", "--port", "0"), "batch size");
    }

    @Test
    void aBadAdmissionLimitIsOneLine() {
        CliRunner.assertOneLineError(CliRunner.run("serve", "--model", TrainAndDemoCommandTest.BUNDLED.toString(),
                "--max-in-flight", "0", "--port", "0"), "max in-flight requests must be in 1..4096");
        CliRunner.assertOneLineError(CliRunner.run("serve", "--model", TrainAndDemoCommandTest.BUNDLED.toString(),
                "--max-queue-ms", "0", "--port", "0"), "max queue time must be in 1..600000 ms");
    }
}
