package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;

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
            assertThat(a.get("labels")).isEqualTo(plain.get("labels"));
            assertThat(Http.get(s.url() + "/metrics").body()).contains("autoglm_route_total{route=\"teacher\"} 1.0");
        }
    }
}
