package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.Reranking;
import io.openautoglm.search.VectorIndex;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hostile cases of issue 16 against every route of a server that has them all (an index and
 * fusion heads, so no 501 placeholder hides a route): extreme-aspect pictures, corrupt and
 * truncated picture bytes, malformed JSON, wrong types, huge filters, unknown fields, in JSON and
 * multipart. Not one answer may be a 5xx, and the server answers normally afterwards.
 */
class EveryRouteFuzzTest {
    static MultimodalModel dual;
    static MultimodalModel fusion;
    static VectorIndex index;
    static AutoglmServer server;

    /** The first pictures of {@link #pictures()} are the ones at (or over) the pixel limit. */
    static final int EXTREME = 4;

    static final List<String> PICTURE_ROUTES = List.of("/v1/embeddings", "/api/classify", "/api/search", "/api/match",
            "/api/vqa", "/api/caption");

    @BeforeAll
    static void start() throws IOException {
        dual = MultimodalModel.load(Http.BUNDLED);
        fusion = MultimodalModel.load(FusionRoutesTest.BUNDLED_FUSION);
        Path dir = Files.createTempDirectory("autoglm-fuzz-index");
        index = IndexDirectory.create(dir.resolve("index"), IndexSettings.hnsw(), ModelIdentity.of(Http.BUNDLED, dual)).open(true);
        index.upsert(IndexEntry.of("red.png", dual.embedTexts(List.of("a red circle"))[0], Map.of("colour", "red")));
        index.commit();
        ServerConfig config = ServerConfig.defaults().withHostPort("127.0.0.1", 0).withLimits(4L << 20, 16_777_216, 16, 30_000);
        server = AutoglmServer.create(config, ServedParts.of(dual).withFusion(fusion).withSearch(index, Reranking.NONE)).start();
    }

    @AfterAll
    static void stop() throws IOException {
        server.stop();
        index.close();
        fusion.close();
        dual.close();
    }

    /** The picture-carrying fields' values to try: extreme, corrupt, truncated, not pictures at all. */
    static List<byte[]> pictures() throws IOException {
        byte[] disc = Http.disc(Http.RED);
        byte[] flipped = disc.clone();
        for (int i = 40; i < flipped.length; i += 97) {
            flipped[i] ^= 0x5A;
        }
        return List.of(ElongatedPictureRoutesTest.png(1, 16_777_216), ElongatedPictureRoutesTest.png(16_777_216, 1),
                ElongatedPictureRoutesTest.png(16, 1_048_576), ElongatedPictureRoutesTest.png(4097, 4096),
                Arrays.copyOf(disc, disc.length / 2), flipped, Arrays.copyOf(disc, 8), "GIF89a not really".getBytes(StandardCharsets.US_ASCII),
                new byte[] {0}, disc);
    }

    /** Every route's bodies built around {@code picture} (a JSON string value), with wrong types and extra fields mixed in. */
    static List<String> bodies(String route, String picture, SplittableRandom random) {
        String model = "\"" + dual.name() + "\"";
        List<String> wrong = List.of("null", "1", "-5", "1e400", "[]", "{}", "\"\"", "[1, [2]]", "true");
        String w = wrong.get(random.nextInt(wrong.size()));
        return switch (route) {
            case "/v1/embeddings" -> List.of("{\"model\": " + model + ", \"input\": [" + picture + ", \"a red circle\"]}",
                    "{\"model\": " + model + ", \"input\": " + w + "}", "{\"model\": " + w + ", \"input\": [" + picture + "]}",
                    "{\"model\": " + model + ", \"input\": [" + picture + "], \"encoding_format\": " + w + "}",
                    "{\"model\": " + model + ", \"input\": [" + picture + "], \"colour\": \"red\"}");
            case "/api/classify" -> List.of("{\"image\": " + picture + ", \"labels\": [\"red\", \"blue\"]}",
                    "{\"image\": " + picture + ", \"labels\": " + w + "}", "{\"image\": " + picture + ", \"labels\": [\"red\"], \"top_k\": " + w + "}",
                    "{\"image\": " + picture + ", \"labels\": [\"red\"], \"x\": 1}");
            case "/api/search" -> List.of("{\"image\": " + picture + ", \"k\": 3}", "{\"image\": " + picture + ", \"k\": " + w + "}",
                    "{\"text\": \"red\", \"filter\": " + w + "}", "{\"text\": \"red\", \"filter\": " + hugeFilter() + "}",
                    "{\"image\": " + picture + ", \"text\": \"red\"}", "{\"image\": " + picture + ", \"unknown\": 1}");
            case "/api/match" -> List.of("{\"image\": " + picture + ", \"text\": \"a red circle\"}", "{\"image\": " + picture + ", \"text\": " + w + "}",
                    "{\"image\": " + picture + ", \"text\": \"" + "x".repeat(5_000) + "\"}", "{\"image\": " + picture + ", \"texts\": \"red\"}");
            case "/api/vqa" -> List.of("{\"image\": " + picture + ", \"question\": \"what colour?\"}", "{\"image\": " + w + ", \"question\": \"what?\"}",
                    "{\"image\": " + picture + ", \"question\": \"what?\", \"answer\": \"red\"}");
            default -> List.of("{\"image\": " + picture + "}", "{\"image\": " + picture + ", \"beam\": " + w + "}",
                    "{\"image\": " + picture + ", \"max_length\": 100000}", "{\"image\": " + picture + ", \"beam\": 3, \"lang\": \"fr\"}");
        };
    }

    static String hugeFilter() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < 10_000; i++) {
            b.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        return b.append('}').toString();
    }

    @Test
    void noHostileRequestOnAnyRouteGetsA5xx() throws IOException {
        SplittableRandom random = new SplittableRandom(16);
        List<String> failures = new ArrayList<>();
        int requests = 0;
        List<byte[]> pictures = pictures();
        for (int p = 0; p < pictures.size(); p++) {
            byte[] picture = pictures.get(p);
            String asJson = "\"" + Http.dataUrl(picture) + "\"";
            for (String route : PICTURE_ROUTES) {
                List<String> bodies = new ArrayList<>(bodies(route, asJson, random));
                if (p < EXTREME) {
                    bodies = bodies.subList(0, 1); // a decode at the pixel limit takes seconds: the valid body is enough
                }
                String valid = bodies.get(0);
                bodies.add(valid.substring(0, random.nextInt(valid.length()))); // truncated JSON
                bodies.add(valid.replace("{", "[")); // malformed JSON
                for (String body : bodies) {
                    requests++;
                    check(failures, route, "application/json", body.getBytes(StandardCharsets.UTF_8), body);
                }
                if (!route.equals("/v1/embeddings") && !route.equals("/api/search")) {
                    requests++;
                    byte[] form = multipart(picture, route);
                    check(failures, route, "multipart/form-data; boundary=fuzz", form, "multipart " + route);
                }
            }
        }
        assertThat(failures).as("5xx answers out of " + requests).isEmpty();
        Http.Reply after = Http.post(server.url() + "/v1/embeddings", "{\"model\": \"" + dual.name() + "\", \"input\": \"a red circle\"}",
                "Content-Type", "application/json");
        assertThat(after.status()).as(after.body()).isEqualTo(200);
    }

    private static void check(List<String> failures, String route, String contentType, byte[] body, String what) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + route)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            Http.Reply r = Http.send(b);
            if (r.status() >= 500) {
                failures.add(r.status() + " on " + route + ": " + abbreviate(what) + " -> " + r.body());
            } else if (r.status() >= 400) {
                assertThat(r.json().path("error").path("code").asText()).as(route + " " + r.body()).isNotEmpty();
            }
        } catch (java.io.UncheckedIOException e) {
            failures.add("no answer (" + e.getCause() + ") on " + route + ": " + abbreviate(what));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    /** The picture as the form file {@code image}, with the route's text field and an unknown one. */
    private static byte[] multipart(byte[] picture, String route) {
        String field = switch (route) {
            case "/api/classify" -> "labels";
            case "/api/match" -> "text";
            case "/api/vqa" -> "question";
            default -> "beam";
        };
        String value = field.equals("beam") ? "2" : "red";
        String head = "--fuzz\r\nContent-Disposition: form-data; name=\"" + field + "\"\r\n\r\n" + value + "\r\n"
                + "--fuzz\r\nContent-Disposition: form-data; name=\"extra\"\r\n\r\n1\r\n"
                + "--fuzz\r\nContent-Disposition: form-data; name=\"image\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n";
        byte[] start = head.getBytes(StandardCharsets.US_ASCII);
        byte[] end = "\r\n--fuzz--\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[start.length + picture.length + end.length];
        System.arraycopy(start, 0, out, 0, start.length);
        System.arraycopy(picture, 0, out, start.length, picture.length);
        System.arraycopy(end, 0, out, start.length + picture.length, end.length);
        return out;
    }
}
