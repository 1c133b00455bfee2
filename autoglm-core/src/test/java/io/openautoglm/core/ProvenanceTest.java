package io.openautoglm.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The typed provenance reads the files written before it existed and writes the same keys back. */
class ProvenanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void version01ProvenanceReadsIntoFieldsAndDetailsAndRoundTripsUnchanged() throws Exception {
        JsonNode old = JSON.readTree(Path.of("src/test/resources/golden/open-autoglm-0.1/provenance.json").toFile());
        Provenance p = Provenance.fromJson(old);
        assertThat(p.format()).isEqualTo("open-autoglm");
        assertThat(p.autoglmVersion()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(p.djlVersion()).isEqualTo("0.36.0");
        assertThat(p.engine()).isEqualTo("PyTorch 2.7.1");
        assertThat(p.javaVersion()).isEqualTo("17.0.15");
        assertThat(p.savedAt()).isEqualTo("2026-11-25T15:52:10.631563511Z");
        assertThat(p.weightsSha256()).isEqualTo("7758a837d8aaa10d0c23df9987ccab46b0750b5c40c8007da5c60e642546ccff");
        assertThat(p.details().get("converted_from_layout").asText()).isEqualTo("HUGGING_FACE");
        assertThat(p.details().has("format")).isFalse();
        assertThat(p.toJson()).isEqualTo(old);
    }

    @Test
    void bundledTrainedModelsProvenanceRoundTripsWithItsTrainingBlock() throws Exception {
        JsonNode old = JSON.readTree(Path.of("../models/autoglm-shapes-tiny-fusion/provenance.json").toFile());
        Provenance p = Provenance.fromJson(old);
        assertThat(p.details().path("training").path("steps").asLong()).isPositive();
        assertThat(p.toJson()).isEqualTo(old);
    }

    @Test
    void noProvenanceIsAnEmptyObjectAndStampingKeepsDetailsAndReplacesTheStamp() {
        assertThat(Provenance.fromJson(null).toJson().isEmpty()).isTrue();
        ObjectNode details = JSON.createObjectNode().put("seed", 7);
        Provenance old = new Provenance("open-autoglm", "0.0.1", "0.1", "PyTorch 1", "11", "then", "abc", details);
        ObjectNode more = JSON.createObjectNode();
        more.putObject("training").put("steps", 3);
        Provenance saved = old.stampedNow().withDetails(more);
        assertThat(saved.autoglmVersion()).isEqualTo(MultimodalModel.VERSION);
        assertThat(saved.savedAt()).isNotEqualTo("then");
        assertThat(saved.weightsSha256()).isEqualTo("abc"); // replaced by the writer once the weights are on disk
        assertThat(saved.toJson().get("seed").asInt()).isEqualTo(7);
        assertThat(saved.toJson().path("training").path("steps").asInt()).isEqualTo(3);
        details.put("seed", 8); // the record copied it
        assertThat(old.details().get("seed").asInt()).isEqualTo(7);
    }
}
