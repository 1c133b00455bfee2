package io.openautoglm.search;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bytes the server and the CLI write for one hit: field order, sorted metadata, the path only when asked. */
class HitJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Hit hit() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("split", "train");
        metadata.put("colour", "red");
        metadata.put("shape", "circle");
        return new Hit("images/a b.png", "/data/images/a b.png", 0.8125f, metadata);
    }

    @Test
    void theServerShapeIsIdScoreAndMetadataSortedByKey() throws Exception {
        String json = JSON.writeValueAsString(HitJson.write(JSON.createObjectNode(), hit()).put("thumbnail_url", "/x"));
        assertThat(json).isEqualTo("{\"id\":\"images/a b.png\",\"score\":0.8125,"
                + "\"metadata\":{\"colour\":\"red\",\"shape\":\"circle\",\"split\":\"train\"},\"thumbnail_url\":\"/x\"}");
    }

    @Test
    void theCliShapeAddsThePathAfterTheId() throws Exception {
        String json = JSON.writeValueAsString(HitJson.writeWithPath(JSON.createObjectNode(), hit()));
        assertThat(json).isEqualTo("{\"id\":\"images/a b.png\",\"path\":\"/data/images/a b.png\",\"score\":0.8125,"
                + "\"metadata\":{\"colour\":\"red\",\"shape\":\"circle\",\"split\":\"train\"}}");
        Hit noPath = new Hit("x", null, -0.5f, Map.of());
        assertThat(JSON.writeValueAsString(HitJson.writeWithPath(JSON.createObjectNode(), noPath)))
                .isEqualTo("{\"id\":\"x\",\"path\":null,\"score\":-0.5,\"metadata\":{}}");
    }
}
