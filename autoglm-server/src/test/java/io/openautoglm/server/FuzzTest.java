package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.MultimodalModel;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Malformed requests to every route: random bytes, truncated and mutated valid bodies, wrong
 * types in every field, odd content types and methods. No answer may be a 5xx other than the
 * 501s of endpoints that are not there yet, and the server must answer normally afterwards.
 */
class FuzzTest {
    static MultimodalModel model;
    static AutoglmServer server;

    static final List<String> ROUTES = List.of("/v1/embeddings", "/api/classify", "/api/search", "/api/match",
            "/api/vqa", "/api/caption", "/api/info", "/metrics", "/healthz", "/readyz", "/", "/nope");

    @BeforeAll
    static void start() {
        model = MultimodalModel.load(Http.BUNDLED);
        server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0)
                .withLimits(256 * 1024, 100_000, 16, 10_000), model).start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        model.close();
    }

    @Test
    void noMalformedRequestGetsA5xxAndTheServerStaysUp() {
        SplittableRandom random = new SplittableRandom(6);
        String name = model.name();
        String png = Base64.getEncoder().encodeToString(Http.disc(Http.RED));
        List<String> seeds = List.of(
                "{\"model\": \"" + name + "\", \"input\": [\"a red circle\", \"data:image/png;base64," + png + "\"]}",
                "{\"image\": \"" + png + "\", \"labels\": [\"red\", \"blue\"], \"templates\": [\"a {}\"], \"top_k\": 1}",
                "{\"text\": \"a red circle\", \"k\": 5, \"filter\": {\"colour\": \"red\"}}");
        List<Object> values = List.of("null", "true", "-1", "1e308", "99999999999999999999", "\"\"", "\"{}\"", "[]",
                "[null]", "{}", "[[1,2]]", "\"data:image/png;base64,\"", "\"data:image/png;base64,AAAA\"",
                "\"" + png.substring(0, png.length() / 3) + "\"", "\"\\u0000\"", "[" + "[".repeat(40) + "]".repeat(40) + "]");
        List<String> fields = List.of("model", "input", "encoding_format", "dimensions", "user", "image", "labels",
                "templates", "top_k", "text", "k", "filter", "question");
        int requests = 0;
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String route = ROUTES.get(random.nextInt(ROUTES.size()));
            byte[] body = switch (random.nextInt(5)) {
                case 0 -> randomBytes(random, random.nextInt(200));
                case 1 -> { // truncated valid body
                    String s = seeds.get(random.nextInt(seeds.size()));
                    yield s.substring(0, random.nextInt(s.length())).getBytes();
                }
                case 2 -> { // byte flips in a valid body
                    byte[] s = seeds.get(random.nextInt(seeds.size())).getBytes();
                    for (int k = 0; k < 1 + random.nextInt(4); k++) {
                        s[random.nextInt(s.length)] = (byte) random.nextInt(256);
                    }
                    yield s;
                }
                case 3 -> ("{\"" + fields.get(random.nextInt(fields.size())) + "\": " + values.get(random.nextInt(values.size()))
                        + ", \"" + fields.get(random.nextInt(fields.size())) + "\": " + values.get(random.nextInt(values.size())) + "}").getBytes();
                default -> seeds.get(random.nextInt(seeds.size())).replace("\"" + fields.get(random.nextInt(fields.size())) + "\"",
                        "\"" + fields.get(random.nextInt(fields.size())) + "\"").getBytes();
            };
            String[] contentTypes = {"application/json", "text/plain", "multipart/form-data; boundary=x",
                    "multipart/form-data", "application/x-www-form-urlencoded"};
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + route))
                    .header("Content-Type", contentTypes[random.nextInt(contentTypes.length)]);
            b = switch (random.nextInt(4)) {
                case 0 -> b.GET();
                case 1 -> b.method("PUT", HttpRequest.BodyPublishers.ofByteArray(body));
                default -> b.POST(HttpRequest.BodyPublishers.ofByteArray(body));
            };
            b.timeout(java.time.Duration.ofSeconds(5));
            Http.Reply r;
            try {
                r = Http.send(b);
            } catch (java.io.UncheckedIOException e) {
                failures.add("no answer (" + e.getCause() + ") on " + route + " " + b.build().method() + " "
                        + b.build().headers().firstValue("Content-Type").orElse("") + ": " + new String(body));
                continue;
            }
            requests++;
            boolean notYet = r.status() == 501 && AutoglmServer.UNAVAILABLE.containsKey(route);
            if (r.status() >= 500 && !notYet) {
                failures.add(r.status() + " on " + route + ": " + new String(body) + " -> " + r.body());
            }
            if (r.status() >= 400 && !route.equals("/") && !route.equals("/metrics")) {
                assertThat(r.json().path("error").path("code").asText()).as(route + " " + r.body()).isNotEmpty();
            }
        }
        assertThat(failures).as("5xx answers").isEmpty();
        assertThat(requests).isEqualTo(300);
        // (failures above include requests that got no answer at all)
        Http.Reply after = Http.post(server.url() + "/v1/embeddings", seeds.get(0));
        assertThat(after.status()).as(after.body()).isEqualTo(200);
        assertThat(Http.get(server.url() + "/healthz").status()).isEqualTo(200);
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }
}
