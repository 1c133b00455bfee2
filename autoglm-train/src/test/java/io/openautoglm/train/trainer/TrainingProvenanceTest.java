package io.openautoglm.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.Provenance;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The training block of the bundled models (written by earlier trainers) reads typed and writes back the same text. */
class TrainingProvenanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void bundledDualEncodersTrainingBlockRoundTrips() throws Exception {
        JsonNode file = JSON.readTree(Path.of("../models/autoglm-shapes-tiny/provenance.json").toFile());
        TrainingProvenance training = TrainingProvenance.of(Provenance.fromJson(file)).orElseThrow();
        assertThat(training.steps()).isEqualTo(3000);
        assertThat(training.samplesSeen()).isEqualTo(3000 * 128);
        assertThat(training.initFrom()).isNull(); // from scratch, before init weights were hashed
        assertThat(training.initFromWeightsSha256()).isNull();
        assertThat(training.metrics()).isNotEmpty();
        assertThat(training.toJson().toString()).isEqualTo(file.get(TrainingProvenance.KEY).toString());
    }

    @Test
    void bundledFusionModelsTrainingBlockRoundTripsWithItsInitWeightsHash() throws Exception {
        JsonNode file = JSON.readTree(Path.of("../models/autoglm-shapes-tiny-fusion/provenance.json").toFile());
        TrainingProvenance training = TrainingProvenance.of(Provenance.fromJson(file)).orElseThrow();
        assertThat(training.initFrom()).isEqualTo("models/autoglm-shapes-tiny-fusion");
        assertThat(training.initFromWeightsSha256()).hasSize(64);
        assertThat(training.metrics()).containsKey("vqa.accuracy");
        assertThat(training.toJson().toString()).isEqualTo(file.get(TrainingProvenance.KEY).toString());
        assertThat(JSON.readTree(training.addTo(Provenance.fromJson(file)).toJson().toString())).isEqualTo(file);
    }

    @Test
    void aProvenanceWithoutTrainingHasNoBlock() {
        assertThat(TrainingProvenance.of(Provenance.none())).isEmpty();
    }
}
