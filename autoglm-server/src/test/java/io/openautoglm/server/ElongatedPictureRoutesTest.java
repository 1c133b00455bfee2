package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.Reranking;
import io.openautoglm.search.VectorIndex;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Small files of huge, elongated pictures (1 x 16,777,216 and 16 x 1,048,576 pixels, 50-70 KB as
 * PNG) on every picture route of a server with an index and fusion heads: a 400 from the header,
 * never a 5xx. Before, the first answered 500 NegativeArraySizeException everywhere and the second
 * took seconds and about a gigabyte to resize. (Within 1000:1 the resize computes only its centre
 * crop, see core's ElongatedPictureTest.) Also: a filter of 10,000 keys is a 400, not Lucene's 500.
 */
class ElongatedPictureRoutesTest {
    static MultimodalModel dual;
    static MultimodalModel fusion;
    static VectorIndex index;
    static AutoglmServer server;
    static Path indexDir;
    static byte[] thread;
    static byte[] ribbon;

    @BeforeAll
    static void start() throws IOException {
        dual = MultimodalModel.load(Http.BUNDLED);
        fusion = MultimodalModel.load(FusionRoutesTest.BUNDLED_FUSION);
        indexDir = Files.createTempDirectory("autoglm-index");
        index = IndexDirectory.create(indexDir.resolve("index"), IndexSettings.hnsw(), ModelIdentity.of(Http.BUNDLED, dual)).open(true);
        float[] red = dual.embedTexts(List.of("a red circle"))[0];
        index.upsert(IndexEntry.of("red.png", red, Map.of("colour", "red")));
        index.commit();
        ServerConfig config = ServerConfig.defaults().withHostPort("127.0.0.1", 0).withLimits(8L << 20, 16_777_216, 16, 60_000);
        server = AutoglmServer.create(config, ServedParts.of(dual).withFusion(fusion).withSearch(index, Reranking.NONE)).start();
        thread = png(1, 16_777_216);
        ribbon = png(16, 1_048_576);
    }

    @AfterAll
    static void stop() throws IOException {
        server.stop();
        index.close();
        fusion.close();
        dual.close();
    }

    /** A dark picture with one bright pixel every 4,096: compresses to tens of KB. */
    static byte[] png(int w, int h) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y += 4096) {
            img.setRGB(0, y, 0xE62323);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** Each picture route's body for {@code picture}. */
    static Map<String, String> bodies(byte[] picture) {
        String url = "\"" + Http.dataUrl(picture) + "\"";
        return Map.of(
                "/v1/embeddings", "{\"model\": \"" + dual.name() + "\", \"input\": [" + url + "]}",
                "/api/classify", "{\"image\": " + url + ", \"labels\": [\"red\", \"blue\"]}",
                "/api/search", "{\"image\": " + url + ", \"k\": 1}",
                "/api/match", "{\"image\": " + url + ", \"text\": \"a red circle\"}",
                "/api/vqa", "{\"image\": " + url + ", \"question\": \"what colour is it?\"}",
                "/api/caption", "{\"image\": " + url + "}");
    }

    @Test
    void theTestPicturesAreSmallFilesAtThePixelLimit() {
        assertThat(thread.length).isLessThan(200_000);
        assertThat(ribbon.length).isLessThan(200_000);
    }

    @Test
    void everyPictureRouteAnswersAOneBySixteenMillionPictureWithoutA5xx() {
        assertNo5xx(thread, "1x16777216");
    }

    @Test
    void everyPictureRouteAnswersASixteenByOneMillionPictureWithoutA5xx() {
        assertNo5xx(ribbon, "16x1048576");
    }

    private static void assertNo5xx(byte[] picture, String what) {
        for (var e : bodies(picture).entrySet()) {
            long start = System.nanoTime();
            Http.Reply r = Http.post(server.url() + e.getKey(), e.getValue(), "Content-Type", "application/json");
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("%s %s: %d in %d ms%n", what, e.getKey(), r.status(), millis);
            // Refused from the header (over 1000:1), in milliseconds, as the input's fault.
            assertThat(r.status()).as(what + " " + e.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("invalid_image");
            assertThat(r.json().path("error").path("message").asText()).contains("more elongated than 1000:1");
            assertThat(millis).isLessThan(5_000);
        }
        Http.Reply after = Http.post(server.url() + "/v1/embeddings", "{\"model\": \"" + dual.name() + "\", \"input\": \"a red circle\"}");
        assertThat(after.status()).isEqualTo(200);
    }

    @Test
    void aFilterOfTenThousandKeysIsA400NotTooManyClauses() {
        StringBuilder filter = new StringBuilder("{");
        for (int i = 0; i < 10_000; i++) {
            filter.append(i == 0 ? "" : ", ").append("\"k").append(i).append("\": \"v\"");
        }
        filter.append('}');
        Http.Reply r = Http.post(server.url() + "/api/search", "{\"text\": \"a red circle\", \"filter\": " + filter + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("filter_too_large");
        // one key with many alternatives counts too
        StringBuilder values = new StringBuilder("[");
        for (int i = 0; i < 5_000; i++) {
            values.append(i == 0 ? "" : ", ").append("\"v").append(i).append('"');
        }
        values.append(']');
        Http.Reply many = Http.post(server.url() + "/api/search", "{\"text\": \"a red circle\", \"filter\": {\"colour\": " + values + "}}");
        assertThat(many.status()).as(many.body()).isEqualTo(400);
        Http.Reply fine = Http.post(server.url() + "/api/search", "{\"text\": \"a red circle\", \"filter\": {\"colour\": [\"red\", \"blue\"]}}");
        assertThat(fine.status()).as(fine.body()).isEqualTo(200);
        assertThat(fine.json().path("results").get(0).path("id").asText()).isEqualTo("red.png");
    }
}
