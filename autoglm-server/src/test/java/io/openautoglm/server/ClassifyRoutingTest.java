package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.MultimodalModel;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * /api/classify routing with a student from another embedding space (the parity fixture's tiny CLIP:
 * other width, other picture size, other tokenizer) in front of the bundled model: real servers on port 0.
 */
class ClassifyRoutingTest {
    static final Path STUDENT = Path.of("../autoglm-core/src/test/resources/clip-parity/tiny-clip/hf");
    static final String BODY = "{\"image\": \"" + Base64.getEncoder().encodeToString(Http.disc(Http.RED))
            + "\", \"labels\": [\"red\", \"green\", \"blue\"], \"templates\": [\"a {} circle\"]}";

    static MultimodalModel teacher;
    static MultimodalModel student;

    @BeforeAll
    static void load() {
        teacher = MultimodalModel.load(Http.BUNDLED);
        student = MultimodalModel.load(STUDENT);
    }

    @AfterAll
    static void close() {
        student.close();
        teacher.close();
    }

    private static AutoglmServer serve(ServedParts parts) {
        return AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0), parts).start();
    }

    @Test
    void thresholdZeroIsTheStudentAndAboveOneTheTeacherAndMetricsCountThem() {
        JsonNode plain;
        try (AutoglmServer s = serve(ServedParts.of(teacher))) {
            plain = Http.post(s.url() + "/api/classify", BODY).json();
            assertThat(plain.has("route")).as("no student, no route field").isFalse();
        }
        try (AutoglmServer s = serve(ServedParts.of(teacher).withStudent(student, 0))) {
            for (int i = 0; i < 3; i++) {
                JsonNode a = Http.post(s.url() + "/api/classify", BODY).json();
                assertThat(a.get("route").asText()).isEqualTo("student");
                assertThat(a.get("model").asText()).isEqualTo(student.name());
                assertThat(a.get("margin").asDouble()).isBetween(0.0, 1.0);
            }
            String metrics = Http.get(s.url() + "/metrics").body();
            assertThat(metrics).contains("autoglm_route_total{route=\"student\"} 3.0").contains("autoglm_route_total{route=\"teacher\"} 0.0");
            // Embeddings stay the served model's space, whatever the student's.
            JsonNode e = Http.post(s.url() + "/v1/embeddings", "{\"model\": \"" + teacher.name() + "\", \"input\": \"a red circle\"}").json();
            assertThat(e.get("data").get(0).get("embedding").size()).isEqualTo(teacher.embeddingDim());
        }
        try (AutoglmServer s = serve(ServedParts.of(teacher).withStudent(student, 1.01))) {
            JsonNode a = Http.post(s.url() + "/api/classify", BODY).json();
            assertThat(a.get("route").asText()).isEqualTo("teacher");
            assertThat(a.get("model").asText()).isEqualTo(teacher.name());
            // Same ranking and scores as without a student; the last float bits may differ because the
            // routed call batches the picture differently (seen on CI: 0.003965028 against 0.0039650467).
            JsonNode routed = a.get("labels");
            JsonNode alone = plain.get("labels");
            assertThat(routed.size()).isEqualTo(alone.size());
            for (int i = 0; i < alone.size(); i++) {
                assertThat(routed.get(i).get("label").asText()).isEqualTo(alone.get(i).get("label").asText());
                assertThat(routed.get(i).get("score").asDouble()).isCloseTo(alone.get(i).get("score").asDouble(), offset(1e-5));
            }
            assertThat(Http.get(s.url() + "/metrics").body()).contains("autoglm_route_total{route=\"teacher\"} 1.0");
        }
    }
}
