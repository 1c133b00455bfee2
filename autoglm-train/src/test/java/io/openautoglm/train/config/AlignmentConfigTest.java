package io.openautoglm.train.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.train.optim.HypergradientRate;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlignmentConfigTest {
    @Test
    void nestedOptionsBindWithDefaultsAndRoundTripThroughYaml() {
        TrainConfig c = TrainConfigLoader.load(null, List.of("data.train=t.jsonl", "run.out=o", "model.momentum=0.995",
                "loss.queue_size=4096", "loss.triplet={mining: hardest}", "optim.hypergradient={beta: 0.01}",
                "loss.distill={teacher: models/x}"));
        assertThat(c.loss().triplet()).isEqualTo(new TrainConfig.Triplet(1.0, 0.2, 0.0, "hardest"));
        assertThat(c.optim().hypergradient().rule()).isEqualTo("multiplicative");
        assertThat(c.loss().distill().temperature().start()).isEqualTo(4.0);
        TrainConfig back = TrainConfigLoader.bind(TrainConfigLoader.YAML.valueToTree(c), "again");
        assertThat(TrainConfigLoader.toYaml(back)).isEqualTo(TrainConfigLoader.toYaml(c));
        TrainConfig plain = TrainConfigLoader.load(null, List.of("data.train=t.jsonl", "run.out=o"));
        assertThat(plain.loss().triplet()).isNull();
        assertThat(plain.model().momentum()).isZero();
    }

    /** A checkpoint's config_yaml from before these keys existed reads back as the same config with them at their defaults. */
    @Test
    void aConfigSavedBeforeTheNewKeysReadsWithTheirDefaults() {
        TrainConfig now = TrainConfigLoader.load(null, List.of("data.train=t.jsonl", "run.out=o", "optim.lr=0.003"));
        String old = TrainConfigLoader.toYaml(now).replaceAll("(?m)^\\s+(momentum|triplet|queue_size|momentum_distill|distill|hypergradient):.*\\n", "");
        assertThat(old).doesNotContain("momentum").doesNotContain("hypergradient").contains("lr: 0.003");
        assertThat(TrainConfigLoader.toYaml(TrainConfigLoader.fromSavedYaml(old, "state"))).isEqualTo(TrainConfigLoader.toYaml(now));
    }

    @Test
    void schedulesRunFromStartToEnd() {
        TrainConfig.Temperature t = new TrainConfig.Temperature(4.0, 1.0);
        assertThat(t.at(0)).isEqualTo(4.0);
        assertThat(t.at(0.5)).isCloseTo(2.5, within(1e-12));
        assertThat(t.at(1)).isCloseTo(1.0, within(1e-12));
        TrainConfig.Triplet triplet = new TrainConfig.Triplet(1.0, 0.1, 0.2, "random");
        assertThat(triplet.marginAt(1)).isCloseTo(0.3, within(1e-12));
    }

    @Test
    void hypergradientGrowsTheRateWhenStepsAgreeAndShrinksItWhenTheyOvershoot() {
        HypergradientRate rate = new HypergradientRate(0.1, "multiplicative");
        assertThat(rate.update(null)).isEqualTo(1.0);
        assertThat(rate.update(new double[] {2, 4, 1})).isCloseTo(1.1, within(1e-12)); // cosine 1
        assertThat(rate.update(new double[] {-2, 4, 1})).isCloseTo(1.1 * 0.9, within(1e-12)); // cosine -1
        HypergradientRate additive = new HypergradientRate(0.01, "additive");
        assertThat(additive.update(new double[] {-500, 1, 1})).isEqualTo(1e-3); // clamped above 0
    }

    /** configs/student.yaml's mini preset is at least 3x cheaper than the bundled model's architecture. */
    @Test
    void theStudentPresetIsAtLeastThreeTimesCheaper() {
        ClipConfig bundled = ClipConfig.fromHuggingFace(readJson(Path.of("../models/autoglm-shapes-tiny/config.json")));
        ClipConfig student = ModelPresets.build("mini", 64, 32, "conv", 46, 0, 44, 45);
        ModelFlops.Count teacher = ModelFlops.of(bundled);
        ModelFlops.Count mini = ModelFlops.of(student);
        System.out.println("bundled: " + teacher + "; mini student: " + mini);
        assertThat((double) teacher.pair() / mini.pair()).isGreaterThanOrEqualTo(3.0);
        // the tiny preset with the conv stem is the bundled architecture
        assertThat(ModelFlops.of(ModelPresets.build("tiny", 64, 32, "conv", 46, 0, 44, 45))).isEqualTo(teacher);
        // a hand count of the patch stem: 64 patches x (3 * 8 * 8) x 128
        ClipConfig patch = ModelPresets.build("tiny", 64, 32, "patch", 46, 0, 44, 45);
        assertThat(ModelFlops.image(patch.vision(), 128) - ModelFlops.image(bundled.vision(), 128))
                .isEqualTo(64L * 192 * 128 - (32 * 32 * 16 * 3 * 9 + 16 * 16 * 32 * 16 * 9 + 8 * 8 * 64 * 32 * 9 + 64 * 64 * 128));
    }

    /** configs/student.yaml binds: the mini preset distilled from the bundled model, with the bundled recipe's losses. */
    @Test
    void theStudentConfigBinds() {
        TrainConfig student = TrainConfigLoader.load(Path.of("../configs/student.yaml"), List.of());
        assertThat(student.model().preset()).isEqualTo("mini");
        assertThat(student.loss().distill().teacher()).isEqualTo("models/autoglm-shapes-tiny");
        assertThat(student.loss().distill().temperature()).isEqualTo(new TrainConfig.Temperature(4.0, 1.0));
        TrainConfig bundled = TrainConfigLoader.load(Path.of("../configs/shapes-tiny.yaml"), List.of());
        assertThat(student.loss().tags()).isEqualTo(bundled.loss().tags());
        assertThat(student.optim()).isEqualTo(bundled.optim());
    }

    private static com.fasterxml.jackson.databind.JsonNode readJson(Path file) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
