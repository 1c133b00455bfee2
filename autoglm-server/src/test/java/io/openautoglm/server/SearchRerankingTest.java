package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.search.Hit;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.Reranking;
import io.openautoglm.search.VectorIndex;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code /api/search} through {@code Searcher}: a real Lucene index on disk of real picture files,
 * real servers on port 0, one searching as the index ranks and one re-ranking its top candidates
 * with the fusion model's matching head, as {@code autoglm search --rerank N --reranker matching} does.
 */
class SearchRerankingTest {
    static final String QUERY = "a red circle";
    static final int TOP = 6;

    static MultimodalModel dual;
    static MultimodalModel fusion;
    static VectorIndex index;
    static AutoglmServer plain;
    static AutoglmServer reranked;

    @BeforeAll
    static void start() throws IOException {
        dual = MultimodalModel.load(Http.BUNDLED);
        fusion = MultimodalModel.load(FusionRoutesTest.BUNDLED_FUSION);
        Path dir = Files.createTempDirectory("autoglm-rerank");
        index = IndexDirectory.create(dir.resolve("index"), IndexSettings.hnsw(), ModelIdentity.of(Http.BUNDLED, dual)).open(true);
        List<Path> files = new ArrayList<>();
        Map<String, Color> colours = Map.of("red", Http.RED, "green", Http.GREEN, "blue", Http.BLUE);
        for (var c : colours.entrySet()) {
            for (String shape : List.of("circle", "square")) {
                Path file = dir.resolve(c.getKey() + "-" + shape + ".png");
                ImageIO.write(picture(c.getValue(), shape.equals("circle")), "png", file.toFile());
                files.add(file);
            }
        }
        float[][] vectors = dual.embedImageFiles(files, EmbedOptions.defaults()); // (N, D)
        for (int i = 0; i < files.size(); i++) {
            String id = files.get(i).getFileName().toString();
            index.upsert(new IndexEntry(id, vectors[i], files.get(i).toString(), null, Map.of("name", id)));
        }
        index.commit();
        ServerConfig config = ServerConfig.defaults().withHostPort("127.0.0.1", 0);
        plain = AutoglmServer.create(config, ServedParts.of(dual).withSearch(index, Reranking.NONE)).start();
        reranked = AutoglmServer.create(config, ServedParts.of(dual).withFusion(fusion)
                .withSearch(index, new Reranking(Reranking.Kind.MATCHING, TOP))).start();
    }

    @AfterAll
    static void stop() {
        plain.stop();
        reranked.stop();
        index.close();
        fusion.close();
        dual.close();
    }

    static BufferedImage picture(Color colour, boolean circle) {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 64, 64);
        g.setColor(colour);
        if (circle) {
            g.fillOval(12, 12, 40, 40);
        } else {
            g.fillRect(14, 14, 36, 36);
        }
        g.dispose();
        return img;
    }

    static JsonNode results(AutoglmServer server, String body) {
        Http.Reply r = Http.post(server.url() + "/api/search", body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("results");
    }

    static String textQuery(int k) {
        return "{\"text\": \"" + QUERY + "\", \"k\": " + k + "}";
    }

    @Test
    void plainSearchRanksAsTheIndexDoes() {
        JsonNode results = results(plain, textQuery(TOP));
        List<Hit> expected = index.search(dual.embedTexts(List.of(QUERY))[0], TOP, io.openautoglm.search.Filter.NONE);
        assertThat(results).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(results.get(i).get("id").asText()).isEqualTo(expected.get(i).id());
            assertThat(results.get(i).get("score").floatValue()).isEqualTo(expected.get(i).score());
            assertThat(results.get(i).get("thumbnail_url").asText()).isEqualTo("/api/thumbnail/" + expected.get(i).id());
        }
    }

    @Test
    void matchingReRankingScoresTheTopCandidatesWithTheFusionHeadAndSortsByIt() throws Exception {
        JsonNode before = results(plain, textQuery(TOP));
        JsonNode after = results(reranked, textQuery(3));
        assertThat(after).hasSize(3);
        // The test's own matching scores of every candidate, computed straight from the fusion model.
        List<String> ids = new ArrayList<>();
        List<RgbImage> images = new ArrayList<>();
        for (JsonNode h : before) {
            ids.add(h.get("id").asText());
            images.add(fusion.imageLoader().load(Path.of(index.get(h.get("id").asText()).orElseThrow().path())));
        }
        float[] match = fusion.fusion().matchPairs(images, Collections.nCopies(images.size(), QUERY));
        List<Integer> order = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5));
        order.sort((a, b) -> Float.compare(match[b], match[a]));
        for (int i = 0; i < 3; i++) {
            int j = order.get(i);
            assertThat(after.get(i).get("id").asText()).isEqualTo(ids.get(j));
            assertThat(after.get(i).get("score").floatValue()).isCloseTo(match[j], org.assertj.core.data.Offset.offset(1e-5f));
            // a matching probability, not the cosine plain search reports for the same picture
            assertThat(after.get(i).get("score").floatValue()).isNotEqualTo(before.get(j).get("score").floatValue());
            assertThat(after.get(i).get("metadata").get("name").asText()).isEqualTo(ids.get(j));
        }
        // plain search on the same index is unchanged by the other server's re-ranking
        assertThat(results(plain, textQuery(TOP))).isEqualTo(before);
    }

    @Test
    void concurrentReRankedSearchesAllGiveTheSameAnswer() throws Exception {
        JsonNode alone = results(reranked, textQuery(TOP));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<JsonNode>> all = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                all.add(CompletableFuture.supplyAsync(() -> results(reranked, textQuery(TOP)), pool));
            }
            for (CompletableFuture<JsonNode> f : all) {
                assertThat(f.get()).isEqualTo(alone);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void matchingNeedsATextQueryAndAFusionModel() {
        Http.Reply byPicture = Http.post(reranked.url() + "/api/search", "{\"image\": \"" + Http.dataUrl(Http.disc(Http.RED)) + "\"}");
        assertThat(byPicture.status()).as(byPicture.body()).isEqualTo(400);
        assertThat(byPicture.json().path("error").path("message").asText()).contains("needs a text query");
        // plain search takes a picture
        assertThat(results(plain, "{\"image\": \"" + Http.dataUrl(Http.disc(Http.RED)) + "\", \"k\": 1}")).hasSize(1);

        assertThatThrownBy(() -> ServedParts.of(dual).withSearch(index, new Reranking(Reranking.Kind.MATCHING, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a fusion model");
        assertThatThrownBy(() -> ServedParts.of(dual).withFusion(dual)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no fusion heads");
    }

    @Test
    void readinessFollowsTheIndexAndInfoListsTheSearchRoutes() throws IOException {
        Path dir = Files.createTempDirectory("autoglm-ready");
        VectorIndex own = IndexDirectory.create(dir.resolve("index"), IndexSettings.hnsw(), ModelIdentity.of(Http.BUNDLED, dual)).open(true);
        own.upsert(IndexEntry.of("red.png", dual.embedTexts(List.of(QUERY))[0], Map.of()));
        own.commit();
        try (AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0),
                ServedParts.of(dual).withSearch(own, Reranking.NONE)).start()) {
            Http.Reply ready = Http.get(server.url() + "/readyz");
            assertThat(ready.status()).isEqualTo(200);
            assertThat(ready.json().get("checks").get("index").asBoolean()).isTrue();
            JsonNode info = Http.get(server.url() + "/api/info").json();
            assertThat(info.get("endpoints").toString()).contains("/api/search", "/api/thumbnail/<id>");
            assertThat(info.get("not_available").toString()).doesNotContain("/api/search").contains("/api/match");

            own.close(); // closed under the running server: not ready any more
            Http.Reply closed = Http.get(server.url() + "/readyz");
            assertThat(closed.status()).isEqualTo(503);
            assertThat(closed.json().get("checks").get("index").asBoolean()).isFalse();
        }
    }
}
