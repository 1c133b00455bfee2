package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.MultimodalModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ApiKeyAndShutdownTest {
    static MultimodalModel model;

    @BeforeAll
    static void load() {
        model = MultimodalModel.load(Http.BUNDLED);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private String embedBody() {
        return "{\"model\": \"" + model.name() + "\", \"input\": \"" + Http.dataUrl(Http.disc(Http.GREEN)) + "\"}";
    }

    @Test
    void withAKeyEveryApiRouteAndMetricsNeedIt() {
        try (AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0)
                .withApiKey("s3cret"), model).start()) {
            String url = server.url();
            Http.Reply none = Http.post(url + "/v1/embeddings", embedBody());
            assertThat(none.status()).isEqualTo(401);
            assertThat(none.errorCode()).isEqualTo("unauthorized");
            assertThat(Http.post(url + "/v1/embeddings", embedBody(), "Authorization", "Bearer wrong").status()).isEqualTo(401);
            assertThat(Http.get(url + "/metrics").status()).isEqualTo(401);
            assertThat(Http.post(url + "/v1/embeddings", embedBody(), "Authorization", "Bearer s3cret").status()).isEqualTo(200);
            // probes stay open for the orchestrator; the page loads and asks for the key
            assertThat(Http.get(url + "/healthz").status()).isEqualTo(200);
            assertThat(Http.get(url + "/readyz").status()).isEqualTo(200);
            assertThat(Http.get(url + "/").status()).isEqualTo(200);
        }
    }

    @Test
    void corsWhenConfiguredAnswersTheAllowedOriginOnly() {
        try (AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0)
                .withCorsOrigins(List.of("http://app.example")), model).start()) {
            Http.Reply ok = Http.get(server.url() + "/api/info", "Origin", "http://app.example");
            assertThat(ok.raw().headers().firstValue("Access-Control-Allow-Origin")).contains("http://app.example");
            Http.Reply other = Http.get(server.url() + "/api/info", "Origin", "http://evil.example");
            assertThat(other.raw().headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        }
    }

    @Test
    void aFullQueueAnswers429WithRetryAfterAtOnce() throws Exception {
        // one waiting item at most, one item per model call: 48 concurrent pictures overflow it
        BatchingConfig tiny = new BatchingConfig(1, 0, 1);
        try (AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0)
                .withCacheEntries(0).withBatching(tiny, tiny), model).start()) {
            ExecutorService pool = Executors.newFixedThreadPool(48);
            try {
                List<Future<Http.Reply>> replies = new ArrayList<>();
                for (int i = 0; i < 48; i++) {
                    replies.add(pool.submit(() -> Http.post(server.url() + "/v1/embeddings", embedBody())));
                }
                int ok = 0;
                int refused = 0;
                for (Future<Http.Reply> f : replies) {
                    Http.Reply r = f.get();
                    if (r.status() == 200) {
                        ok++;
                    } else {
                        assertThat(r.status()).as(r.body()).isEqualTo(429);
                        assertThat(r.errorCode()).isEqualTo("overloaded");
                        assertThat(r.raw().headers().firstValue("Retry-After")).contains("1");
                        refused++;
                    }
                }
                assertThat(ok).isPositive();
                assertThat(refused).isPositive();
            } finally {
                pool.shutdown();
            }
            assertThat(Http.get(server.url() + "/metrics").body()).contains("status=\"429\"");
        }
    }

    @Test
    void stopFinishesRequestsInFlightThenRefusesConnections() throws Exception {
        // a 300 ms batching window keeps requests in flight while stop() starts
        BatchingConfig slow = new BatchingConfig(64, 300, 64);
        AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0)
                .withBatching(slow, slow), model).start();
        String url = server.url();
        // Four client threads of the test's own: the common pool is shared with whatever else
        // the JVM runs and may not start four blocking posts at once.
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<CompletableFuture<Http.Reply>> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String body = "{\"model\": \"" + model.name() + "\", \"input\": \"a slow circle " + i + "\"}";
                inFlight.add(CompletableFuture.supplyAsync(() -> Http.post(url + "/v1/embeddings", body), clients));
            }
            // The batcher waits for company only while others are held, so the first post may be
            // answered before the rest arrive: what matters is that those in flight when stop()
            // begins (at least two) are answered, not refused.
            long waitStart = System.nanoTime();
            while (server.inFlight() < 2 && System.nanoTime() - waitStart < 5_000_000_000L) {
                Thread.sleep(5);
            }
            assertThat(server.inFlight()).as(() -> "requests in flight; replies so far: "
                    + inFlight.stream().map(ApiKeyAndShutdownTest::describe).toList()).isGreaterThanOrEqualTo(2);
            int heldAtStop = server.inFlight();
            server.stop();
            int answered = 0;
            for (CompletableFuture<Http.Reply> f : inFlight) {
                // a post that arrived after stop() began is refused with 503, never dropped or 5xx'd otherwise
                assertThat(f.get().status()).as(f.get().body()).isIn(200, 503);
                if (f.get().status() == 200) {
                    answered++;
                } else {
                    assertThat(f.get().body()).contains("shutting_down");
                }
            }
            assertThat(answered).as("requests in flight when stop() began are answered").isGreaterThanOrEqualTo(heldAtStop);
        } finally {
            clients.shutdownNow();
        }
        assertThatThrownBy(() -> Http.get(url + "/healthz")).isInstanceOf(java.io.UncheckedIOException.class);
    }

    private static String describe(CompletableFuture<Http.Reply> f) {
        try {
            Http.Reply reply = f.getNow(null);
            return reply == null ? "not done" : reply.status() + " " + reply.body();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }
}
