package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.Reranking;
import io.openautoglm.search.VectorIndex;
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
 * Texts longer than the bundled model's 32-token context on a real server on port 0 with a real index:
 * pooled windows by default, {@code "truncate": true} as before, usage counting what was read, the
 * window limit as a 400 JSON error, and {@code /api/search} saying how its query was read.
 */
class LongTextRoutesTest {
    static final String LONG = "a large red circle is above a small blue square and a green triangle is left of a yellow star "
            + "while a purple diamond is below the red circle and a small grey cross is right of the blue square";
    static MultimodalModel model;
    static VectorIndex index;
    static AutoglmServer server;

    @BeforeAll
    static void start() throws IOException {
        model = MultimodalModel.load(Http.BUNDLED);
        Path dir = Files.createTempDirectory("autoglm-long-text");
        index = IndexDirectory.create(dir.resolve("index"), IndexSettings.hnsw(), ModelIdentity.of(Http.BUNDLED, model)).open(true);
        Path file = dir.resolve("red-circle.png");
        ImageIO.write(SearchRerankingTest.picture(Http.RED, true), "png", file.toFile());
        float[] v = model.embedImageFiles(List.of(file), EmbedOptions.defaults())[0]; // (D)
        index.upsert(new IndexEntry("red-circle.png", v, file.toString(), null, Map.of()));
        index.commit();
        server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0),
                ServedParts.of(model).withSearch(index, Reranking.NONE)).start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        index.close();
        model.close();
    }

    private static Http.Reply embeddings(String extra, String input) {
        return Http.post(server.url() + "/v1/embeddings", "{\"model\": \"" + model.name() + "\"" + extra + ", \"input\": [\""
                + input + "\", \"a red circle\"]}");
    }

    private static float[] vector(JsonNode item) {
        JsonNode e = item.get("embedding");
        float[] out = new float[e.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) e.get(i).asDouble();
        }
        return out;
    }

    @Test
    void longTextsArePooledWindowsAndTruncateIsTheOldCutWithHonestUsage() {
        long[] raw = model.tokenizer().encodeFull(LONG);
        int context = model.config().text().contextLength();
        assertThat(raw.length).isGreaterThan(context);
        int shortTokens = model.tokenizer().encodeFull("a red circle").length;

        Http.Reply windows = embeddings("", LONG);
        assertThat(windows.status()).as(windows.body()).isEqualTo(200);
        float[] expected = model.embedTexts(List.of(LONG))[0];
        assertThat(vector(windows.json().get("data").get(0))).containsExactly(expected, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(windows.json().path("usage").path("prompt_tokens").asInt()).isEqualTo(raw.length + shortTokens);

        Http.Reply cut = embeddings(", \"truncate\": true", LONG);
        assertThat(cut.status()).as(cut.body()).isEqualTo(200);
        float[] old = model.embedTokenIds(model.tokenizer().encode(LONG), 1, context, true)[0]; // the cut as before
        assertThat(vector(cut.json().get("data").get(0))).containsExactly(old, org.assertj.core.data.Offset.offset(1e-5f));
        assertThat(vector(cut.json().get("data").get(0))).isNotEqualTo(vector(windows.json().get("data").get(0)));
        assertThat(cut.json().path("usage").path("prompt_tokens").asInt()).isEqualTo(context + shortTokens);
        // The short text is the same either way (and the cache does not mix the two modes up for the long one).
        assertThat(vector(cut.json().get("data").get(1))).containsExactly(vector(windows.json().get("data").get(1)),
                org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void moreWindowsThanTheLimitIsA400WithAJsonError() {
        int stride = io.openautoglm.core.model.clip.TextWindows.stride(model.config().text().contextLength());
        String tooLong = "a red circle ".repeat(stride * EmbedOptions.DEFAULT_MAX_WINDOWS / 3 + 40);
        Http.Reply r = embeddings("", tooLong);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("text_too_long");
        assertThat(r.json().path("error").path("message").asText()).contains("windows").contains("truncate");
        assertThat(embeddings(", \"truncate\": true", tooLong).status()).isEqualTo(200);
        Http.Reply search = Http.post(server.url() + "/api/search", "{\"text\": \"" + tooLong + "\"}");
        assertThat(search.status()).as(search.body()).isEqualTo(400);
        assertThat(search.errorCode()).isEqualTo("text_too_long");
    }

    @Test
    void searchSaysHowItsTextQueryWasRead() {
        Http.Reply windows = Http.post(server.url() + "/api/search", "{\"text\": \"" + LONG + "\", \"k\": 1}");
        assertThat(windows.status()).as(windows.body()).isEqualTo(200);
        JsonNode q = windows.json().get("query");
        assertThat(q.get("tokens").asInt()).isEqualTo(model.tokenizer().encodeFull(LONG).length);
        assertThat(q.get("windows").asInt()).isGreaterThan(1);
        assertThat(windows.json().get("results")).hasSize(1);
        Http.Reply cut = Http.post(server.url() + "/api/search", "{\"text\": \"" + LONG + "\", \"k\": 1, \"truncate\": true}");
        assertThat(cut.json().get("query").get("truncated").asBoolean()).isTrue();
        assertThat(cut.json().get("results").get(0).get("score").asDouble())
                .isNotEqualTo(windows.json().get("results").get(0).get("score").asDouble());
    }
}
