package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.MultimodalModel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that stall mid-body, requests past their deadline, and megabyte texts: each costs what
 * it should, and other clients' requests are answered as usual.
 */
class SlowClientAndDeadlineTest {
    static MultimodalModel model;

    @BeforeAll
    static void load() {
        model = MultimodalModel.load(Http.BUNDLED);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static String embeddings(String inputs) {
        return "{\"model\": \"" + model.name() + "\", \"input\": " + inputs + "}";
    }

    @Test
    void clientsStalledMidBodyHoldNoAdmissionSlot() throws Exception {
        ServerConfig config = ServerConfig.defaults().withHostPort("127.0.0.1", 0).withMaxInFlight(2)
                .withLimits(8L << 20, ServerConfig.DEFAULT_MAX_IMAGE_PIXELS, 16, 3_000);
        List<Socket> stalled = new ArrayList<>();
        try (AutoglmServer server = AutoglmServer.create(config, model).start()) {
            for (int i = 0; i < 6; i++) { // three times --max-in-flight
                Socket s = new Socket("127.0.0.1", server.port());
                OutputStream out = s.getOutputStream();
                out.write(("POST /v1/embeddings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                stalled.add(s);
            }
            Thread.sleep(300); // let the server take them in and block on their bodies
            Http.Reply r = Http.post(server.url() + "/v1/embeddings", embeddings("\"a red circle\""), "Content-Type", "application/json");
            assertThat(r.status()).as("a normal request beside stalled clients: " + r.body()).isEqualTo(200);
            // The stalled ones are cut off at their body deadline (3 s), not held until Jetty's 30 s idle timeout.
            long start = System.nanoTime();
            for (Socket s : stalled) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                in.readAllBytes(); // the server closes the connection (whatever it managed to write first)
            }
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(8_000);
            Http.Reply after = Http.post(server.url() + "/v1/embeddings", embeddings("\"a blue square\""), "Content-Type", "application/json");
            assertThat(after.status()).as(after.body()).isEqualTo(200);
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    /** A solid 2048 x 2048 PNG (a few KB) whose decode is 4 million pixels of work; one pixel makes each unique. */
    private static String bigSolidPicture(int seed) throws IOException {
        BufferedImage img = new BufferedImage(2048, 2048, BufferedImage.TYPE_3BYTE_BGR);
        img.setRGB(seed % 2048, seed / 2048, 0xFFFFFF);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return "\"" + Http.dataUrl(out.toByteArray()) + "\"";
    }

    @Test
    void theDecodeLoopStopsAtTheDeadline() throws Exception {
        List<String> pictures = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            pictures.add(bigSolidPicture(i));
        }
        String body = embeddings("[" + String.join(", ", pictures) + "]");
        long full;
        try (AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0).withCacheEntries(0)
                .withLimits(8L << 20, ServerConfig.DEFAULT_MAX_IMAGE_PIXELS, 64, 120_000), model).start()) {
            long start = System.nanoTime();
            Http.Reply r = Http.post(server.url() + "/v1/embeddings", body, "Content-Type", "application/json");
            full = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
        try (AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0).withCacheEntries(0)
                .withLimits(8L << 20, ServerConfig.DEFAULT_MAX_IMAGE_PIXELS, 64, 200), model).start()) {
            long start = System.nanoTime();
            Http.Reply r = Http.post(server.url() + "/v1/embeddings", body, "Content-Type", "application/json");
            long limited = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("48 pictures of 2048x2048: %d ms with a 120 s timeout, %d ms with a 200 ms one%n", full, limited);
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.errorCode()).isEqualTo("timeout");
            // Before, every picture was decoded anyway (the acquire succeeded at once past the deadline).
            assertThat(limited).isLessThan(full / 3);
        }
    }

    @Test
    void aMegabyteTextIsRefusedQuicklyOrWithTruncateCutToTheContextBeforeTokenizingAndEmbedsAsItsPrefix() {
        String text = "a red circle on a dark ground beside a blue square ".repeat(21_000); // ~1 MB
        try (AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0)
                .withLimits(16L << 20, ServerConfig.DEFAULT_MAX_IMAGE_PIXELS, 16, 60_000), model).start()) {
            String window = server.service().contextWindow(text);
            assertThat(window.length()).isLessThan(10_000);
            assertThat(model.tokenizer().encode(window)).containsExactly(model.tokenizer().encode(text));
            String one = "\"" + text + "\"";
            String seven = "[" + String.join(", ", List.of(one, one, one, one, one, one, one)) + "]";
            long start = System.nanoTime();
            Http.Reply refused = Http.post(server.url() + "/v1/embeddings", embeddings(seven), "Content-Type", "application/json");
            System.out.printf("7 x 1 MB texts refused (too many windows): %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertThat(refused.status()).as(refused.body()).isEqualTo(400);
            assertThat(refused.errorCode()).isEqualTo("text_too_long");
            start = System.nanoTime();
            Http.Reply r = Http.post(server.url() + "/v1/embeddings", embeddingsCut(seven), "Content-Type", "application/json");
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("7 x 1 MB texts: %d ms%n", millis);
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            Http.Reply prefix = Http.post(server.url() + "/v1/embeddings", embeddingsCut("\"" + window + "\""), "Content-Type",
                    "application/json");
            assertThat(r.json().path("data").get(6).path("embedding").toString())
                    .isEqualTo(prefix.json().path("data").get(0).path("embedding").toString());
            assertThat(r.json().path("usage").path("prompt_tokens").asInt()).isEqualTo(7 * model.config().text().contextLength());
        }
    }

    private static String embeddingsCut(String inputs) {
        return "{\"model\": \"" + model.name() + "\", \"truncate\": true, \"input\": " + inputs + "}";
    }

    @Test
    void aTextWithoutSpacesOrMostlySpacesIsStillReadRight() {
        try (AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0), model).start()) {
            String word = "red".repeat(5_000);
            assertThat(model.tokenizer().encode(server.service().contextWindow(word))).containsExactly(model.tokenizer().encode(word));
            String late = " ".repeat(50_000) + "a red circle";
            assertThat(server.service().contextWindow(late)).isEqualTo(late); // the words come after the first windows
        }
    }
}
