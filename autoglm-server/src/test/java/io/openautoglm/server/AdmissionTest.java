package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.MultimodalModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Admission control: beyond --max-in-flight requests the server answers 429 at once, never 5xx, and lives on. */
class AdmissionTest {
    static MultimodalModel model;

    @BeforeAll
    static void load() {
        model = MultimodalModel.load(Http.BUNDLED);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static ServerConfig limited(int maxInFlight) {
        return ServerConfig.defaults().withHostPort("127.0.0.1", 0).withCacheEntries(0).withMaxInFlight(maxInFlight);
    }

    private static void assertRefusal(Http.Reply r) {
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.errorCode()).isEqualTo("overloaded");
        assertThat(r.json().path("error").path("message").asText()).contains("requests in flight");
        assertThat(r.raw().headers().firstValue("Retry-After")).contains("1");
        assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }

    @Test
    void aRequestOverTheLimitIsRefusedWhileTheAdmittedOneIsStillInItsHandler() throws Exception {
        // A route that holds its request until told: the refusal must come while it is still held,
        // so it cannot have waited for the admitted request (no timing involved).
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ApiRoute held = ApiRoute.post("/api/match", ctx -> {
            entered.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            Responses.json(ctx, 200, Map.of("held", true));
        });
        try (AutoglmServer server = AutoglmServer.create(limited(1), ServedParts.of(model).withRoutes(List.of(held))).start()) {
            String url = server.url();
            CompletableFuture<Http.Reply> first = CompletableFuture.supplyAsync(() -> Http.post(url + "/api/match", "{}"));
            assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

            assertRefusal(Http.post(url + "/api/match", "{}"));
            // the limit covers every API route together: a model route is refused too
            assertRefusal(Http.post(url + "/v1/embeddings", "{\"model\": \"" + model.name() + "\", \"input\": \"a red circle\"}"));
            // probes, info and metrics are outside the limit
            assertThat(Http.get(url + "/healthz").status()).isEqualTo(200);
            assertThat(Http.get(url + "/readyz").status()).isEqualTo(200);
            var info = Http.get(url + "/api/info").json();
            assertThat(info.path("limits").path("max_in_flight").asInt()).isEqualTo(1);
            assertThat(info.path("batching").path("image").path("queue_capacity").asInt()).isEqualTo(BatchingConfig.DEFAULT.queueCapacity());
            String metrics = Http.get(url + "/metrics").body();
            assertThat(metrics).contains("autoglm_http_in_flight 1.0")
                    .contains("autoglm_http_in_flight_limit 1.0")
                    .contains("autoglm_http_rejected_total{reason=\"in_flight\",route=\"/api/match\"} 1.0")
                    .contains("autoglm_http_rejected_total{reason=\"in_flight\",route=\"/v1/embeddings\"} 1.0")
                    .contains("autoglm_http_threads{state=\"max\"} " + (1 + ServerConfig.SPARE_THREADS) + ".0")
                    .contains("autoglm_http_connections{state=\"max\"} " + limited(1).maxConnections() + ".0")
                    .contains("autoglm_http_jobs_queued");
            assertThat(first).isNotDone();

            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
            // the slot is free again
            assertThat(Http.post(url + "/api/match", "{}").status()).isEqualTo(200);
            assertThat(Http.get(url + "/metrics").body()).contains("autoglm_http_in_flight 0.0");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aFloodWithATinyLimitGets429sWithRetryAfterNo5xxAndTheServerAnswersAfterwards() throws Exception {
        String body = "{\"model\": \"" + model.name() + "\", \"input\": \"" + Http.dataUrl(Http.disc(Http.BLUE)) + "\"}";
        try (AutoglmServer server = AutoglmServer.create(limited(2), model).start()) {
            String url = server.url();
            Map<Integer, Integer> statuses = new TreeMap<>();
            ExecutorService pool = Executors.newFixedThreadPool(48);
            try {
                // 48 pictures at once against 2 slots; rounds only in case a round happened to trickle in
                for (int round = 0; round < 5 && !statuses.containsKey(429); round++) {
                    List<Future<Http.Reply>> replies = new ArrayList<>();
                    for (int i = 0; i < 48; i++) {
                        replies.add(pool.submit(() -> Http.post(url + "/v1/embeddings", body)));
                    }
                    for (Future<Http.Reply> f : replies) {
                        Http.Reply r = f.get(60, TimeUnit.SECONDS);
                        statuses.merge(r.status(), 1, Integer::sum);
                        if (r.status() == 200) {
                            assertThat(r.json().path("data").get(0).path("embedding").size()).isEqualTo(model.embeddingDim());
                        } else {
                            assertRefusal(r);
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(statuses.keySet()).as("statuses %s", statuses).containsOnly(200, 429);
            assertThat(statuses).as("statuses %s", statuses).containsKeys(200, 429);

            assertThat(Http.get(url + "/healthz").status()).isEqualTo(200);
            assertThat(Http.post(url + "/v1/embeddings", body).status()).isEqualTo(200);
            String metrics = Http.get(url + "/metrics").body();
            assertThat(metrics).contains("autoglm_http_rejected_total{reason=\"in_flight\",route=\"/v1/embeddings\"} " + statuses.get(429) + ".0")
                    .contains("autoglm_http_in_flight 0.0")
                    .doesNotContain("status=\"5");
        }
    }

    @Test
    void theLimitIsValidatedAndDefaultsToHalfTheLargerQueue() {
        assertThat(ServerConfig.defaults().maxInFlight()).isEqualTo(BatchingConfig.DEFAULT.queueCapacity() / 2);
        assertThat(ServerConfig.defaultMaxInFlight(new BatchingConfig(8, 1, 100), new BatchingConfig(8, 1, 300))).isEqualTo(150);
        assertThat(ServerConfig.defaultMaxInFlight(new BatchingConfig(8, 1, 100_000), BatchingConfig.DEFAULT))
                .isEqualTo(ServerConfig.MAX_IN_FLIGHT);
        assertThatThrownBy(() -> ServerConfig.defaults().withMaxInFlight(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max in-flight requests must be in 1..");
        assertThatThrownBy(() -> ServerConfig.defaults().withMaxInFlight(ServerConfig.MAX_IN_FLIGHT + 1))
                .isInstanceOf(IllegalArgumentException.class);
        ServerConfig c = ServerConfig.defaults().withMaxInFlight(10);
        assertThat(c.httpThreads()).isGreaterThan(c.maxInFlight());
        assertThat(c.maxConnections()).isGreaterThan(c.httpThreads());
    }

    @Test
    void aModelThatIsBehindRefusesNewRequestsOnArrivalAndCountsThemApart() {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        java.util.concurrent.atomic.AtomicReference<String> behind = new java.util.concurrent.atomic.AtomicReference<>();
        Admission admission = new Admission(4, behind::get, registry);
        admission.enter("/v1/embeddings");
        behind.set("the image_embedding model is behind (its oldest queued item has waited 1500 ms, limit 1000 ms)");
        assertThatThrownBy(() -> admission.enter("/v1/embeddings")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(429);
            assertThat(e.getMessage()).contains("image_embedding model is behind").contains("retry shortly");
        });
        assertThat(admission.inFlight()).as("a refused request holds no slot").isEqualTo(1);
        assertThat(registry.get("autoglm.http.rejected").tag("reason", "backlog").counter().count()).isEqualTo(1.0);
        behind.set(null);
        admission.enter("/v1/embeddings");
        assertThat(admission.inFlight()).isEqualTo(2);
    }
}
