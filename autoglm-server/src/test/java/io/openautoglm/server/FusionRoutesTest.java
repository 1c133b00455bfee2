package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.FusionInference;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.fusion.CaptionSearch;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /api/match, /api/vqa and /api/caption answered by the bundled fusion model behind a real server on port 0. */
class FusionRoutesTest {
    static final Path BUNDLED_FUSION = Path.of("..", "models", "autoglm-shapes-tiny-fusion");
    static MultimodalModel dual;
    static MultimodalModel fusion;
    static AutoglmServer server;
    static String url;
    static final byte[] RED_DISC = Http.disc(Http.RED);

    @BeforeAll
    static void start() {
        dual = MultimodalModel.load(Http.BUNDLED);
        fusion = MultimodalModel.load(BUNDLED_FUSION);
        server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0),
                ServedParts.of(dual).withFusion(fusion)).start();
        url = server.url();
    }

    @AfterAll
    static void stop() {
        server.stop();
        fusion.close();
        dual.close();
    }

    private static String image() {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(RED_DISC);
    }

    private static RgbImage decoded() {
        return new ImageLoader().load(RED_DISC, "disc");
    }

    /** Each endpoint gives what the model gives in-process for the same picture and text. */
    @Test
    void answersEqualTheModelsOwn() {
        FusionInference own = fusion.fusion();
        Http.Reply match = Http.post(url + "/api/match", "{\"image\": \"" + image() + "\", \"text\": \"a large red circle\"}");
        assertThat(match.status()).as(match.body()).isEqualTo(200);
        assertThat((float) match.json().get("match").asDouble()).isEqualTo(own.match(decoded(), "a large red circle"));

        Http.Reply vqa = Http.post(url + "/api/vqa", "{\"image\": \"" + image() + "\", \"question\": \"what color is the circle?\"}");
        assertThat(vqa.status()).as(vqa.body()).isEqualTo(200);
        FusionInference.Answer expected = own.answer(decoded(), "what color is the circle?");
        assertThat(vqa.json().get("answer").asText()).isEqualTo(expected.answer());
        assertThat(vqa.json().get("top")).hasSize(expected.top().size());

        Http.Reply caption = Http.post(url + "/api/caption", "{\"image\": \"" + image() + "\", \"beam\": 2}");
        assertThat(caption.status()).as(caption.body()).isEqualTo(200);
        assertThat(caption.json().get("caption").asText())
                .isEqualTo(own.caption(List.of(decoded()), new CaptionSearch.Options(2, 1.0, 30)).get(0))
                .isNotBlank();
    }

    @Test
    void vqaAcceptsAMultipartUpload() {
        String boundary = "----autoglmfusion";
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"question\"\r\n\r\nhow many objects are there?\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"r.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes());
        b.writeBytes(RED_DISC);
        b.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes());
        Http.Reply r = Http.postBytes(url + "/api/vqa", b.toByteArray(), "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("answer").asText()).isEqualTo(fusion.fusion().answer(decoded(), "how many objects are there?").answer());
    }

    /** A misspelt form field is refused as its JSON twin is, on every fusion route, not silently ignored. */
    @Test
    void multipartUnknownFieldsAre400LikeJson() {
        Map<String, String> knownField = Map.of("/api/match", "text", "/api/vqa", "question", "/api/caption", "beam");
        for (var e : knownField.entrySet()) {
            String value = e.getValue().equals("beam") ? "2" : "a red circle";
            Http.Reply ok = postForm(e.getKey(), Map.of(e.getValue(), value));
            assertThat(ok.status()).as(e.getKey() + " " + ok.body()).isEqualTo(200);
            Http.Reply misspelt = postForm(e.getKey(), Map.of(e.getValue(), value, "max_lenght", "5"));
            assertThat(misspelt.status()).as(e.getKey() + " " + misspelt.body()).isEqualTo(400);
            assertThat(misspelt.errorCode()).isEqualTo("unknown_field");
            assertThat(misspelt.json().at("/error/message").asText()).contains("'max_lenght'");
            Http.Reply json = Http.post(url + e.getKey(), "{\"image\": \"" + image() + "\", \"max_lenght\": 5}");
            assertThat(json.errorCode()).isEqualTo(misspelt.errorCode());
        }
    }

    /** The red disc as the form file {@code image} beside {@code fields}. */
    private static Http.Reply postForm(String route, Map<String, String> fields) {
        String boundary = "----autoglmform";
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        fields.forEach((name, value) -> b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
                + "\"\r\n\r\n" + value + "\r\n").getBytes()));
        b.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"r.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes());
        b.writeBytes(RED_DISC);
        b.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes());
        return Http.postBytes(url + route, b.toByteArray(), "Content-Type", "multipart/form-data; boundary=" + boundary);
    }

    @Test
    void badRequestsAreJson4xx() {
        Map<String, String> bodies = Map.of(
                "/api/match", "{\"image\": \"" + image() + "\"}",
                "/api/vqa", "{\"image\": \"not base64!\", \"question\": \"what?\"}",
                "/api/caption", "{\"image\": \"" + image() + "\", \"beam\": 99}");
        for (var e : bodies.entrySet()) {
            Http.Reply r = Http.post(url + e.getKey(), e.getValue());
            assertThat(r.status()).as(e.getKey() + " " + r.body()).isEqualTo(400);
            JsonNode error = r.json().get("error");
            assertThat(error.get("code").asText()).isNotBlank();
            assertThat(error.get("message").asText()).isNotBlank();
        }
        Http.Reply unknownField = Http.post(url + "/api/vqa", "{\"image\": \"" + image() + "\", \"question\": \"q\", \"path\": \"/etc\"}");
        assertThat(unknownField.status()).isEqualTo(400);
    }
}
