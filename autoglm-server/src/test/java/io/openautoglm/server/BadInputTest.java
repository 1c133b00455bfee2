package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.MultimodalModel;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each kind of bad request gets its 4xx and a JSON error naming the problem. */
class BadInputTest {
    static MultimodalModel model;
    static AutoglmServer server;
    static String url;
    static String name;

    @BeforeAll
    static void start() {
        model = MultimodalModel.load(Http.BUNDLED);
        name = model.name();
        // Small limits so the tests can cross them cheaply: 64 KiB bodies, 1,000 pixels, 8 inputs.
        server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0)
                .withLimits(64 * 1024, 1000, 8, 10_000), model).start();
        url = server.url() + "/v1/embeddings";
    }

    @AfterAll
    static void stop() {
        server.stop();
        model.close();
    }

    private static void assertError(Http.Reply r, int status, String code, String... fragments) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        assertThat(r.errorCode()).as(r.body()).isEqualTo(code);
        if (fragments.length > 0) {
            assertThat(r.json().get("error").get("message").asText()).contains(fragments);
        }
    }

    @Test
    void malformedJsonAndWrongShapes() {
        assertError(Http.post(url, "{\"model\": "), 400, "invalid_json", "not valid JSON");
        assertError(Http.post(url, ""), 400, "invalid_json", "empty");
        assertError(Http.post(url, "[1, 2]"), 400, "invalid_json", "JSON object");
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"a\"} trailing"), 400, "invalid_json");
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"a\", \"input\": \"b\"}"), 400, "invalid_json", "Duplicate");
    }

    @Test
    void missingUnknownAndMistypedFields() {
        assertError(Http.post(url, "{\"input\": \"a\"}"), 400, "missing_field", "'model'");
        assertError(Http.post(url, "{\"model\": \"" + name + "\"}"), 400, "missing_field", "'input'");
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"a\", \"colour\": 1}"), 400, "unknown_field", "'colour'");
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": 5}"), 400, "invalid_field", "'input'");
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": [[1, 2, 3]]}"), 400, "invalid_field", "token-id arrays");
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": []}"), 400, "invalid_field", "empty");
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"  \"}"), 400, "invalid_field", "empty string");
        assertError(Http.post(url, "{\"model\": \"gpt\", \"input\": \"a\"}"), 400, "model_not_found", name);
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"a\", \"encoding_format\": \"hex\"}"), 400, "invalid_field");
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"a\", \"dimensions\": 7}"), 400, "invalid_field", "dimensions");
        String nine = String.join(",", Arrays.stream(new String[9]).map(s -> "\"x\"").toList());
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": [" + nine + "]}"), 400, "too_many_inputs", "at most 8");
    }

    @Test
    void badPictures() {
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"data:image/png;base64,@@@\"}"), 400, "invalid_base64");
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"data:image/png,rawbytes\"}"), 400, "invalid_base64");
        String notAPicture = Base64.getEncoder().encodeToString("hello, not a picture".getBytes());
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"data:image/png;base64," + notAPicture + "\"}"),
                400, "invalid_image", "not an image");
        byte[] png = Http.disc(Http.RED);
        byte[] small = Http.disc(Http.RED, 20);
        byte[] cut = Arrays.copyOf(small, small.length / 2);
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"" + Http.dataUrl(cut) + "\"}"), 400, "invalid_image");
        // 64 x 64 = 4,096 pixels, over this server's limit of 1,000
        assertError(Http.post(url, "{\"model\": \"" + name + "\", \"input\": \"" + Http.dataUrl(png) + "\"}"), 413,
                "image_too_large", "4096 pixels");
        String classify = server.url() + "/api/classify";
        assertError(Http.post(classify, "{\"image\": \"" + Http.dataUrl(png) + "\", \"labels\": [\"a\", \"a\"]}"), 400, "invalid_field", "duplicates");
        assertError(Http.post(classify, "{\"image\": \"" + Http.dataUrl(png) + "\", \"labels\": [\"a\"], \"templates\": [\"no slot\"]}"),
                400, "invalid_field", "{}");
        assertError(Http.post(classify, "{\"image\": \"" + Http.dataUrl(small) + "\", \"labels\": [\"a\"], \"top_k\": 0}"), 400, "invalid_field", "top_k");
        assertError(Http.post(classify, "{\"labels\": [\"a\"]}"), 400, "missing_field", "'image'");
    }

    @Test
    void bodiesOverTheLimitAre413() {
        byte[] big = new byte[100 * 1024];
        Arrays.fill(big, (byte) 'a');
        String body = "{\"model\": \"" + name + "\", \"input\": \"" + new String(big) + "\"}";
        assertError(Http.post(url, body), 413, "body_too_large", "65536 bytes");
        // the same without a Content-Length (chunked): still 413, not a 500
        var chunked = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body.getBytes())));
        assertError(Http.send(chunked), 413, "body_too_large");
    }

    @Test
    void wrongMethodsAndPaths() {
        Http.Reply get = Http.get(url);
        assertThat(get.status()).isIn(404, 405);
        assertThat(get.json().has("error")).isTrue();
        assertError(Http.get(server.url() + "/nope"), 404, "not_found");
    }
}
