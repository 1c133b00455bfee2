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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The --model commands on a Hugging Face ChineseCLIPModel folder (BERT text tower; core's parity
 * fixture): embed gives the reference embedding of a Chinese text, classify, eval retrieval, index
 * build and search, and serve all run on it.
 */
class ChineseClipCommandsTest {
    static final Path ROOT = Path.of("../autoglm-core/src/test/resources/fixtures/chinese-clip").toAbsolutePath().normalize();
    static final String MODEL = ROOT.resolve("chinese-clip").toString();

    @TempDir
    Path tmp;

    private static JsonNode json(CliRunner r) throws Exception {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.MAPPER.readTree(r.out());
    }

    @Test
    void embedGivesTheReferenceEmbeddingOfAChineseText() throws Exception {
        JsonNode expected = Json.MAPPER.readTree(ROOT.resolve("expected.json").toFile());
        String text = expected.get("texts").get(1).asText(); // 一只红色的圆形
        JsonNode ours = json(CliRunner.run("embed", "--model", MODEL, "--text", text, "--no-normalize", "--format", "json"))
                .get("items").get(0).get("embedding");
        JsonNode reference = expected.get("text_embeds").get(1);
        assertThat(ours).hasSize(reference.size());
        for (int i = 0; i < reference.size(); i++) {
            assertThat(ours.get(i).asDouble()).isCloseTo(reference.get(i).asDouble(), org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void classifyEvalIndexAndSearchRunOnIt() throws Exception {
        Path pic = ROOT.resolve("images/pic0.png");
        JsonNode inspected = json(CliRunner.run("inspect", MODEL, "--format", "json"));
        assertThat(inspected.get("layout").asText()).isEqualTo("CHINESE_CLIP");
        assertThat(inspected.get("config").get("text_config").get("model_type").asText()).isEqualTo("bert");
        CliRunner text = CliRunner.run("inspect", MODEL);
        assertThat(text.out()).as(text.err()).contains("text        BERT, vocab 59");
        JsonNode classified = json(CliRunner.run("classify", "--model", MODEL, "--labels", "红色,蓝色,绿色", "--template", "一只{}的圆形",
                "--format", "json", pic.toString()));
        assertThat(classified.get("results").get(0).get("labels")).hasSize(3);

        Path manifest = tmp.resolve("data.jsonl");
        Files.write(manifest, List.of(
                "{\"image\": \"" + ROOT.resolve("images/pic0.png") + "\", \"caption\": \"一只红色的圆形\"}",
                "{\"image\": \"" + ROOT.resolve("images/pic1.png") + "\", \"caption\": \"a blue square\"}",
                "{\"image\": \"" + ROOT.resolve("images/pic2.png") + "\", \"caption\": \"绿色三角形的照片\"}"));
        JsonNode eval = json(CliRunner.run("eval", "retrieval", "--model", MODEL, "--manifest", manifest.toString(), "--format", "json"));
        assertThat(eval.get("n").asInt()).isEqualTo(3);
        assertThat(eval.get("text_to_image").get("R@10").asDouble()).isEqualTo(1.0);

        Path index = tmp.resolve("index");
        JsonNode built = json(CliRunner.run("index", "build", "--index", index.toString(), "--images", ROOT.resolve("images").toString(),
                "--model", MODEL, "--format", "json"));
        assertThat(built.get("count").asInt()).isEqualTo(3);
        JsonNode byImage = json(CliRunner.run("search", "--index", index.toString(), "--image", pic.toString(), "-k", "3", "--format", "json"));
        assertThat(byImage.get("results").get(0).get("id").asText()).isEqualTo("pic0.png");
        assertThat(byImage.get("results").get(0).get("score").asDouble()).isGreaterThan(0.999);
        JsonNode byText = json(CliRunner.run("search", "--index", index.toString(), "--text", "蓝色方形", "-k", "3", "--format", "json"));
        assertThat(byText.get("results")).hasSize(3);
    }

    @Test
    void onnxExportOfABertTowerIsOneClearError() {
        CliRunner.assertOneLineError(CliRunner.run("export", "onnx", "--model", MODEL, "--out", tmp.resolve("onnx").toString()),
                "BERT text tower", "ONNX export does not build yet");
    }

    @Test
    void aFolderWithAnXlmRobertaTextTowerIsOneClearError() throws Exception {
        Path folder = Files.createDirectories(tmp.resolve("xlmr"));
        for (String f : List.of("config.json", "model.safetensors", "tokenizer.json", "preprocessor_config.json")) {
            Files.copy(ROOT.resolve("chinese-clip").resolve(f), folder.resolve(f));
        }
        com.fasterxml.jackson.databind.node.ObjectNode config = (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(
                folder.resolve("config.json").toFile());
        ((com.fasterxml.jackson.databind.node.ObjectNode) config.get("text_config")).put("model_type", "xlm-roberta");
        Json.MAPPER.writeValue(folder.resolve("config.json").toFile(), config);
        CliRunner.assertOneLineError(CliRunner.run("embed", "--model", folder.toString(), "--text", "猫"),
                "the text tower is 'xlm-roberta'", "supported text towers");
    }

    @Test
    void serveAnswersEmbeddingsForChineseInput() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> AutoglmCli.run(new PrintWriter(out, true),
                new PrintWriter(err, true), "serve", "--model", MODEL, "--port", "0", "--no-gallery"));
        long start = System.nanoTime();
        while (!out.toString().contains("\n") && !exit.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(20);
        }
        String first = out.toString().lines().findFirst().orElse("");
        assertThat(first).as(err.toString()).startsWith("listening on http://");
        String url = first.substring("listening on ".length());
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/v1/embeddings"))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"chinese-clip\", \"input\": [\"一只红色的圆形\", \"a red circle\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode body = Json.MAPPER.readTree(r.body());
            assertThat(body.get("data")).hasSize(2);
            assertThat(body.get("data").get(0).get("embedding").size()).isEqualTo(24);
        } finally {
            ServeCommand.RUNNING.get(ServeCommand.RUNNING.size() - 1).shutdown();
        }
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }
}
