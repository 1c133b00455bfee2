package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.NotFoundException;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.Embedding;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import io.openautoglm.core.MultimodalModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official OpenAI Java SDK, told only our base URL, against a real server on port 0: it finds
 * the model through {@code /v1/models} and embeds texts and a picture data URL through
 * {@code /v1/embeddings}, as float lists and as base64.
 */
class OpenAiClientTest {
    static MultimodalModel model;
    static AutoglmServer server;
    static OpenAIClient client;

    @BeforeAll
    static void start() {
        model = MultimodalModel.load(Http.BUNDLED);
        server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0), model).start();
        client = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey("unused-without-a-server-key")
                .maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.stop();
        model.close();
    }

    @Test
    void listsAndRetrievesTheServedModel() {
        List<Model> models = client.models().list().data();
        assertThat(models).extracting(Model::id).containsExactly(model.name());
        Model m = models.get(0);
        assertThat(m.ownedBy()).isEqualTo("open-autoglm");
        // the bundled model's provenance says when it was saved
        assertThat(m.created()).isEqualTo(Instant.parse(model.typedProvenance().savedAt()).getEpochSecond());
        assertThat(client.models().retrieve(model.name())).isEqualTo(m);
        assertThatThrownBy(() -> client.models().retrieve("gpt-4o")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void embedsTextsAndAPictureAsFloatAndBase64() {
        List<String> inputs = List.of("a large red circle", Http.dataUrl(Http.disc(Http.RED)), "a small blue square");
        List<float[]> floats = vectors(embed(inputs, EmbeddingCreateParams.EncodingFormat.FLOAT));
        List<float[]> base64 = vectors(embed(inputs, EmbeddingCreateParams.EncodingFormat.BASE64));
        float[] own = model.embedTexts(List.of("a large red circle"))[0];
        assertThat(floats).hasSize(3);
        for (int i = 0; i < inputs.size(); i++) {
            assertThat(floats.get(i)).hasSize(model.embeddingDim());
            assertThat(base64.get(i)).containsExactly(floats.get(i), within(1e-6f));
        }
        assertThat(floats.get(0)).containsExactly(own, within(1e-5f));
        assertThat(floats.get(1)).isNotEqualTo(floats.get(0)); // the data URL was read as a picture, not as text
    }

    private static CreateEmbeddingResponse embed(List<String> inputs, EmbeddingCreateParams.EncodingFormat format) {
        CreateEmbeddingResponse r = client.embeddings().create(EmbeddingCreateParams.builder().model(model.name())
                .inputOfArrayOfStrings(inputs).encodingFormat(format).build());
        assertThat(r.model()).isEqualTo(model.name());
        return r;
    }

    /** Each item's vector, decoding base64 (little-endian float32) ourselves when the server sent it so. */
    private static List<float[]> vectors(CreateEmbeddingResponse r) {
        return r.data().stream().map(e -> e.embeddingValue().isBase64() ? decode(e.embeddingValue().asBase64()) : floats(e))
                .toList();
    }

    private static float[] floats(Embedding e) {
        List<Float> v = e.embedding();
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static float[] decode(String base64) {
        ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }
}
