package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.MultimodalModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The bundled model behind a real server on port 0, driven over HTTP. */
class ServerTest {
    static MultimodalModel model;
    static AutoglmServer server;
    static String url;

    @BeforeAll
    static void start() {
        model = MultimodalModel.load(Http.BUNDLED);
        server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0)
                .withBatching(new BatchingConfig(32, 20, 256), new BatchingConfig(32, 20, 256)), model).start();
        url = server.url();
    }

    @AfterAll
    static void stop() {
        server.stop();
        model.close();
    }

    private String model() {
        return model.name();
    }

    @Test
    void embeddingsHaveOpenAiShapeAndEqualTheModelsOwnVectors() {
        Http.Reply r = Http.post(url + "/v1/embeddings",
                "{\"model\": \"" + model() + "\", \"input\": [\"a red circle\", \"a small blue square\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode root = r.json();
        assertThat(root.get("object").asText()).isEqualTo("list");
        assertThat(root.get("model").asText()).isEqualTo(model());
        assertThat(root.get("usage").get("prompt_tokens").asInt()).isGreaterThan(4);
        assertThat(root.get("usage").get("total_tokens").asInt()).isEqualTo(root.get("usage").get("prompt_tokens").asInt());
        JsonNode data = root.get("data");
        assertThat(data).hasSize(2);
        float[][] expected = model.embedTexts(List.of("a red circle", "a small blue square"));
        for (int i = 0; i < 2; i++) {
            assertThat(data.get(i).get("object").asText()).isEqualTo("embedding");
            assertThat(data.get(i).get("index").asInt()).isEqualTo(i);
            JsonNode v = data.get(i).get("embedding");
            assertThat(v).hasSize(model.embeddingDim());
            for (int d = 0; d < expected[i].length; d++) {
                assertThat(v.get(d).floatValue()).isCloseTo(expected[i][d], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void imagesAsDataUrlsAndBase64EncodingMatchTheModel() {
        byte[] png = Http.disc(Http.RED);
        Http.Reply r = Http.post(url + "/v1/embeddings", "{\"model\": \"" + model() + "\", \"encoding_format\": \"base64\","
                + " \"input\": [\"a red circle\", \"" + Http.dataUrl(png) + "\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        float[] image = decode(r.json().get("data").get(1).get("embedding").asText());
        float[] expected = model.embedImages(List.of(model.imageLoader().load(png, "disc")))[0];
        assertThat(image).hasSize(expected.length);
        for (int d = 0; d < expected.length; d++) {
            assertThat(image[d]).isCloseTo(expected[d], org.assertj.core.data.Offset.offset(1e-5f));
        }
        // text and image land in one space: the red disc is closer to "red" than to "blue"
        Http.Reply texts = Http.post(url + "/v1/embeddings",
                "{\"model\": \"" + model() + "\", \"input\": [\"a large red circle\", \"a large blue circle\"]}");
        JsonNode d = texts.json().get("data");
        assertThat(dot(image, floats(d.get(0).get("embedding")))).isGreaterThan(dot(image, floats(d.get(1).get("embedding"))));
    }

    @Test
    void classifyRanksTheColourOfADisc() {
        String body = "{\"image\": \"" + Http.dataUrl(Http.disc(Http.BLUE)) + "\", \"labels\": [\"red\", \"green\", \"blue\"],"
                + " \"templates\": [\"a {} circle\", \"a large {} circle\"], \"top_k\": 2}";
        Http.Reply r = Http.post(url + "/api/classify", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode labels = r.json().get("labels");
        assertThat(labels).hasSize(2);
        assertThat(labels.get(0).get("label").asText()).isEqualTo("blue");
        assertThat(labels.get(0).get("score").asDouble()).isGreaterThan(labels.get(1).get("score").asDouble());
    }

    @Test
    void classifyAcceptsAMultipartUpload() {
        String boundary = "----autoglmtest";
        byte[] png = Http.disc(Http.GREEN);
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"labels\"\r\n\r\nred,green,blue\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"template\"\r\n\r\na {} circle\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"g.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes());
        b.writeBytes(png);
        b.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes());
        Http.Reply r = Http.postBytes(url + "/api/classify", b.toByteArray(), "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("labels")).hasSize(3);
        assertThat(r.json().get("labels").get(0).get("label").asText()).isEqualTo("green");
    }

    @Test
    void concurrentRequestsAreCoalescedIntoBatches() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<Http.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                String text = "a shape number " + i + " batch";
                replies.add(pool.submit(() -> Http.post(url + "/v1/embeddings",
                        "{\"model\": \"" + model() + "\", \"input\": \"" + text + "\"}")));
            }
            for (Future<Http.Reply> f : replies) {
                assertThat(f.get().status()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        var sizes = server.metrics().registry().get("autoglm.batch.size").tag("function", "text_embedding").summary();
        assertThat(sizes.max()).as("largest text batch").isGreaterThan(1);
        assertThat(sizes.totalAmount()).isGreaterThanOrEqualTo(32);
    }

    @Test
    void repeatedInputsComeFromTheCache() {
        String body = "{\"model\": \"" + model() + "\", \"input\": \"a cached green triangle\"}";
        Http.Reply first = Http.post(url + "/v1/embeddings", body);
        double hitsBefore = server.metrics().registry().get("cache.gets").tag("result", "hit").functionCounter().count();
        Http.Reply second = Http.post(url + "/v1/embeddings", body);
        double hitsAfter = server.metrics().registry().get("cache.gets").tag("result", "hit").functionCounter().count();
        assertThat(second.json().get("data")).isEqualTo(first.json().get("data"));
        assertThat(hitsAfter).isEqualTo(hitsBefore + 1);

        // a picture: one look-up per request, a hit the second time, and the same vector
        String picture = "{\"model\": \"" + model() + "\", \"input\": \"" + Http.dataUrl(Http.disc(Http.GREEN, 48)) + "\"}";
        double missesBefore = server.metrics().registry().get("cache.gets").tag("result", "miss").functionCounter().count();
        Http.Reply p1 = Http.post(url + "/v1/embeddings", picture);
        Http.Reply p2 = Http.post(url + "/v1/embeddings", picture);
        assertThat(p2.json().get("data")).isEqualTo(p1.json().get("data"));
        assertThat(server.metrics().registry().get("cache.gets").tag("result", "miss").functionCounter().count())
                .isEqualTo(missesBefore + 1);
        assertThat(server.metrics().registry().get("cache.gets").tag("result", "hit").functionCounter().count())
                .isEqualTo(hitsAfter + 1);
    }

    @Test
    void healthReadinessInfoAndMetrics() {
        assertThat(Http.get(url + "/healthz").status()).isEqualTo(200);
        Http.Reply ready = Http.get(url + "/readyz");
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.json().get("checks").get("model").asBoolean()).isTrue();
        JsonNode info = Http.get(url + "/api/info").json();
        assertThat(info.get("dimensions").asInt()).isEqualTo(model.embeddingDim());
        assertThat(info.get("not_available").toString()).contains("/api/search", "/api/vqa");
        Http.post(url + "/v1/embeddings", "{\"model\": \"" + model() + "\", \"input\": \"metrics\"}");
        Http.Reply m = Http.get(url + "/metrics");
        assertThat(m.status()).isEqualTo(200);
        assertThat(m.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(m.body()).contains("autoglm_http_requests_seconds_bucket{", "route=\"/v1/embeddings\"", "status=\"200\"",
                "autoglm_batch_size_count", "autoglm_queue_depth", "autoglm_model_batch_seconds_bucket",
                "cache_gets_total", "autoglm_cache_hit_ratio", "jvm_memory_used_bytes", "autoglm_process_resident_memory_bytes");
    }

    @Test
    void laterEndpointsAnswer501AndUnknownOnes404AsJson() {
        for (String p : List.of("/api/search", "/api/match", "/api/vqa", "/api/caption")) {
            Http.Reply r = Http.post(url + p, "{}");
            assertThat(r.status()).as(p).isEqualTo(501);
            assertThat(r.errorCode()).isEqualTo("not_available");
        }
        Http.Reply missing = Http.post(url + "/v1/nothing", "{}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.errorCode()).isEqualTo("not_found");
    }

    @Test
    void theWebPageIsServedFromTheJarWithNoOutsideReferences() {
        Http.Reply page = Http.get(url + "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Open-AutoGLM").doesNotContain("http://", "https://");
        Http.Reply js = Http.get(url + "/app.js");
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.body()).contains("/v1/embeddings").doesNotContain("https://");
    }

    @Test
    void corsIsOffByDefault() {
        Http.Reply r = Http.get(url + "/api/info", "Origin", "http://elsewhere.example");
        assertThat(r.raw().headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void anAddressOffLoopbackNeedsAnApiKey() {
        assertThatThrownBy(() -> ServerConfig.defaults().withHostPort("0.0.0.0", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("API key");
        assertThat(ServerConfig.defaults().withApiKey("k").withHostPort("0.0.0.0", 0).host()).isEqualTo("0.0.0.0");
        assertThat(ServerConfig.isLoopback("127.0.0.1")).isTrue();
        assertThat(ServerConfig.isLoopback("::1")).isTrue();
        assertThat(ServerConfig.isLoopback("localhost")).isTrue();
        assertThat(ServerConfig.isLoopback("example.com")).isFalse();
    }

    static float[] decode(String b64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(b64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        for (int i = 0; i < v.length; i++) {
            v[i] = b.getFloat();
        }
        return v;
    }

    static float[] floats(JsonNode a) {
        float[] v = new float[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).floatValue();
        }
        return v;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
