package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.MultimodalModel;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code autoglm export onnx} on the bundled model (convolutional stem), then the export behind the
 * commands that take --model: embed, inspect, index build + search, and a real server on port 0.
 */
class ExportOnnxCommandTest {
    @TempDir
    static Path tmp;
    static Path onnx;
    static CliRunner export;

    @BeforeAll
    static void exportTheBundledModel() {
        onnx = tmp.resolve("bundled-onnx");
        export = CliRunner.run("export", "onnx", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--out", onnx.toString());
    }

    @Test
    void exportWritesTheFolderAndSaysHowCloseItsCheckWas() {
        assertThat(export.exitCode()).as(export.err()).isZero();
        assertThat(export.out()).matches("(?s)exported .* to .*bundled-onnx \\(opset 17\\): image_model.onnx, text_model.onnx; "
                + "check against DJL: worst cosine 0\\.9999\\d\\d on pictures, 0\\.9999\\d\\d on texts\\s*|(?s).*cosine 1\\.000000.*");
        for (String f : List.of("image_model.onnx", "text_model.onnx", "config.json", "tokenizer.json", "preprocessor.json", "provenance.json")) {
            assertThat(onnx.resolve(f)).isRegularFile();
        }
        CliRunner inspect = CliRunner.run("inspect", onnx.toString());
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("Open-AutoGLM ONNX export").contains("backend     ONNX Runtime 1.29.0");
    }

    @Test
    void embedRunsTheExportOnOnnxRuntimeWithTheSameAnswers() throws Exception {
        String[] args = {"--text", "a large red circle", "--text", "two small blue squares", "--image", CliFixture.PIC0.toString(),
            "--image", CliFixture.PIC2.toString(), "--format", "json"};
        JsonNode djl = json(CliRunner.run(concat(new String[] {"embed", "--model", TrainAndDemoCommandTest.BUNDLED.toString()}, args)));
        JsonNode ours = json(CliRunner.run(concat(new String[] {"embed", "--model", onnx.toString()}, args)));
        for (int i = 0; i < 4; i++) {
            assertThat(cosine(djl.get("items").get(i).get("embedding"), ours.get("items").get(i).get("embedding")))
                    .as("item %d", i).isGreaterThanOrEqualTo(0.9999);
        }
    }

    @Test
    void anIndexBuiltWithTheSourceModelIsSearchedWithTheExport() throws Exception {
        Path images = tmp.resolve("pictures");
        Files.createDirectories(images);
        Files.copy(CliFixture.PIC0, images.resolve("a.png"));
        Files.copy(CliFixture.PIC2, images.resolve("b.png"));
        Path index = tmp.resolve("index");
        CliRunner build = CliRunner.run("index", "build", "--index", index.toString(), "--images", images.toString(),
                "--model", TrainAndDemoCommandTest.BUNDLED.toString());
        assertThat(build.exitCode()).as(build.err()).isZero();
        CliRunner search = CliRunner.run("search", "--index", index.toString(), "--image", CliFixture.PIC2.toString(), "-k", "1",
                "--model", onnx.toString(), "--format", "json");
        assertThat(search.exitCode()).as(search.err()).isZero();
        JsonNode top = Json.MAPPER.readTree(search.out()).get("results").get(0);
        assertThat(top.get("id").asText()).endsWith("b.png");
        assertThat(top.get("score").asDouble()).isGreaterThan(0.9999);
    }

    @Test
    void servedExportAnswersEmbeddingsLikeTheDjlModel() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> AutoglmCli.run(new PrintWriter(out, true),
                new PrintWriter(err, true), "serve", "--model", onnx.toString(), "--port", "0", "--no-gallery", "--no-fusion"));
        long start = System.nanoTime();
        while (!out.toString().contains("\n") && !exit.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(20);
        }
        String first = out.toString().lines().findFirst().orElse("");
        assertThat(first).as(err.toString()).startsWith("listening on http://");
        String url = first.substring("listening on ".length());
        try {
            String picture = "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(CliFixture.PIC0));
            JsonNode texts = post(url + "/v1/embeddings", "{\"model\": \"bundled-onnx\", \"input\": [\"a red circle\", \"a blue star\"]}");
            JsonNode image = post(url + "/v1/embeddings", "{\"model\": \"bundled-onnx\", \"input\": [\"" + picture + "\"]}");
            try (MultimodalModel djl = MultimodalModel.load(TrainAndDemoCommandTest.BUNDLED)) {
                float[][] want = djl.embedTexts(List.of("a red circle", "a blue star"));
                float[][] wantImage = djl.embedImageFiles(List.of(CliFixture.PIC0), io.openautoglm.core.EmbedOptions.defaults());
                for (int i = 0; i < 2; i++) {
                    assertThat(cosine(texts.get("data").get(i).get("embedding"), want[i])).isGreaterThanOrEqualTo(0.9999);
                }
                assertThat(cosine(image.get("data").get(0).get("embedding"), wantImage[0])).isGreaterThanOrEqualTo(0.9999);
            }
            HttpResponse<String> match = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/api/match"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"image\": \"" + picture + "\", \"text\": \"a red circle\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(match.statusCode()).as("no fusion heads on an ONNX export: %s", match.body()).isEqualTo(501);
        } finally {
            ServeCommand.RUNNING.get(0).shutdown();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void classifyAndEvalRetrievalGiveTheDjlAnswers() throws Exception {
        Path data = tmp.resolve("shapeworld");
        assertThat(CliRunner.run("data", "shapeworld", "--out", data.toString(), "--count", "24", "--seed", "4", "--splits", "0,0,1")
                .exitCode()).isZero();
        Path manifest = data.resolve("test.jsonl");
        JsonNode djl = json(CliRunner.run("eval", "retrieval", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--manifest",
                manifest.toString(), "--format", "json"));
        JsonNode ours = json(CliRunner.run("eval", "retrieval", "--model", onnx.toString(), "--manifest", manifest.toString(),
                "--format", "json"));
        assertThat(ours.get("n").asInt()).isEqualTo(djl.get("n").asInt()).isPositive();
        for (String direction : List.of("text_to_image", "image_to_text")) {
            assertThat(ours.get(direction).get("MRR").asDouble()).as(direction)
                    .isCloseTo(djl.get(direction).get("MRR").asDouble(), org.assertj.core.data.Offset.offset(0.02));
        }
        String picture = Files.list(data.resolve("images")).sorted().findFirst().orElseThrow().toString();
        String[] args = {"--labels", "circle,square,triangle,star,diamond,hexagon", "--format", "json", picture};
        JsonNode djlLabels = json(CliRunner.run(concat(new String[] {"classify", "--model", TrainAndDemoCommandTest.BUNDLED.toString()}, args)));
        JsonNode ourLabels = json(CliRunner.run(concat(new String[] {"classify", "--model", onnx.toString()}, args)));
        JsonNode a = djlLabels.get("results").get(0).get("labels");
        JsonNode b = ourLabels.get("results").get(0).get("labels");
        for (int i = 0; i < a.size(); i++) {
            assertThat(b.get(i).get("label").asText()).isEqualTo(a.get(i).get("label").asText());
            assertThat(b.get(i).get("score").asDouble()).isCloseTo(a.get(i).get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-3));
        }
    }

    @Test
    void quantizeInt8WritesOnlyTheSmallerInt8FolderThatStillAgrees() throws Exception {
        Path int8 = tmp.resolve("bundled-int8");
        CliRunner r = CliRunner.run("export", "onnx", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--out", int8.toString(),
                "--quantize", "int8");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode provenance = Json.MAPPER.readTree(int8.resolve("provenance.json").toFile());
        assertThat(provenance.path("quantization").path("source").asText()).isEqualTo(TrainAndDemoCommandTest.BUNDLED.toAbsolutePath().normalize().toString());
        assertThat(Files.size(int8.resolve("image_model.onnx"))).isLessThan(Files.size(onnx.resolve("image_model.onnx")) / 2);
        try (var siblings = Files.list(tmp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".fp32-") || n.contains(".export"));
        }
        String[] args = {"--text", "a large red circle", "--image", CliFixture.PIC0.toString(), "--format", "json"};
        JsonNode fp32 = json(CliRunner.run(concat(new String[] {"embed", "--model", onnx.toString()}, args)));
        JsonNode small = json(CliRunner.run(concat(new String[] {"embed", "--model", int8.toString()}, args)));
        for (int i = 0; i < 2; i++) {
            assertThat(cosine(fp32.get("items").get(i).get("embedding"), small.get("items").get(i).get("embedding")))
                    .as("item %d", i).isGreaterThanOrEqualTo(0.99);
        }
        CliRunner.assertOneLineError(CliRunner.run("export", "onnx", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--out",
                tmp.resolve("g").toString(), "--gate", CliFixture.PIC0.toString()), "--quantize int8");
        CliRunner.assertOneLineError(CliRunner.run("export", "onnx", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--out",
                tmp.resolve("q").toString(), "--quantize", "int4"), "int8");
    }

    @Test
    void mistakesGetOneLine() {
        CliRunner.assertOneLineError(CliRunner.run("export", "onnx", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--out",
                tmp.resolve("x").toString(), "--opset", "13"), "--opset 13 is not supported", "17 to 21");
        CliRunner.assertOneLineError(CliRunner.run("export", "onnx", "--model", TrainAndDemoCommandTest.BUNDLED.toString(), "--out",
                onnx.toString()), "already exists", "--overwrite");
        CliRunner.assertOneLineError(CliRunner.run("export", "onnx", "--model", onnx.toString(), "--out", tmp.resolve("y").toString()),
                "already runs on ONNX Runtime");
        CliRunner.assertOneLineError(CliRunner.run("vqa", "--model", onnx.toString(), "--image", CliFixture.PIC0.toString(),
                "--question", "what colour is it?"), "no fusion heads");
        CliRunner.assertOneLineError(CliRunner.run("convert", onnx.toString(), tmp.resolve("z").toString()), "runs on ONNX Runtime");
    }

    private static JsonNode post(String url, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private static JsonNode json(CliRunner r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.MAPPER.readTree(r.out());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double cosine(JsonNode a, JsonNode b) {
        float[] fb = new float[b.size()];
        for (int i = 0; i < fb.length; i++) {
            fb[i] = (float) b.get(i).asDouble();
        }
        return cosine(a, fb);
    }

    private static double cosine(JsonNode a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < b.length; i++) {
            double x = a.get(i).asDouble();
            dot += x * b[i];
            na += x * x;
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
