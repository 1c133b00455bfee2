package io.openautoglm.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training benchmark end to end at its smallest: the tiny preset, the trainer's own step, one timed step. */
class TrainingBenchmarkTest {
    @TempDir
    Path tmp;

    @Test
    void oneTimedStepOfTheTrainersStepIsMeasuredAndWritten() throws Exception {
        Path json = tmp.resolve("train.json");
        // Tests run in the module's folder; the benchmark's default tokenizer path is relative to the repository root.
        Path tokenizer = Path.of("../autoglm-core/src/test/resources/clip-parity/tiny-clip/hf/tokenizer.json");
        TrainingBenchmark.main(new String[] {"--batches", "2", "--warmup", "0", "--reps", "1", "--min-rep-seconds", "0",
                "--threads", "1", "--tokenizer", tokenizer.toString(), "--json", json.toString()});
        JsonNode out = Harness.JSON.readTree(json.toFile());
        assertThat(out.path("step").asText()).startsWith("io.openautoglm.train.trainer.TrainStep");
        assertThat(out.path("parameters").asLong()).isPositive();
        assertThat(out.path("protocol").path("warmup_steps").asInt()).isZero();
        JsonNode point = out.path("points").path(0);
        assertThat(point.path("batch").asInt()).isEqualTo(2);
        assertThat(point.path("timed_steps").asInt()).isEqualTo(1); // warm-up and untimed calls leave the phases alone
        assertThat(point.path("samples_per_s").asDouble()).isPositive();
        for (String phase : TrainingBenchmark.PHASES) {
            assertThat(point.path("phase_ms_per_step").path(phase).asDouble()).as(phase).isPositive();
        }
        // The phases are the step's own clocks: together they make up most of the step's wall time.
        double phases = 0;
        for (String phase : TrainingBenchmark.PHASES) {
            phases += point.path("phase_ms_per_step").path(phase).asDouble();
        }
        assertThat(phases).isLessThanOrEqualTo(point.path("ms_per_step").asDouble() * 1.01);
        assertThat(out.path("peak_rss_mb").asDouble()).isPositive();
        assertThat(point.has("gc_count_during_timed")).isTrue();
    }
}
