package io.openautoglm.train.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainConfigLoaderTest {
    @TempDir
    Path tmp;

    private Path yaml(String text) throws Exception {
        Path f = tmp.resolve("c.yaml");
        Files.writeString(f, text);
        return f;
    }

    @Test
    void fileOverridesDefaultsAndSetOverridesFile() throws Exception {
        Path f = yaml("data:\n  train: t.jsonl\noptim:\n  lr: 0.002\n  steps: 50\nrun:\n  out: o\n");
        TrainConfig c = TrainConfigLoader.load(f, List.of("optim.lr=3e-4", "data.zero_shot_keys=[color, shape]"));
        assertThat(c.optim().lr()).isEqualTo(3e-4);
        assertThat(c.optim().steps()).isEqualTo(50);
        assertThat(c.optim().batchSize()).isEqualTo(128); // default kept
        assertThat(c.data().zeroShotKeys()).containsExactly("color", "shape");
        assertThat(c.data().questionKeys()).containsExactly("qa"); // default
        assertThat(TrainConfigLoader.bind(TrainConfigLoader.YAML.readTree(TrainConfigLoader.toYaml(c)), "again")).isEqualTo(c);
    }

    @Test
    void theShippedConfigIsValid() {
        TrainConfig c = TrainConfigLoader.load(Path.of("../configs/shapes-tiny.yaml"), List.of());
        assertThat(c.model().preset()).isEqualTo("tiny");
        assertThat(c.data().zeroShotKeys()).contains("color", "shape");
        assertThat(c.data().tagsKey()).isEqualTo("tags");
        assertThat(c.loss().tags()).isPositive();
        assertThat(c.model().patchStem()).isEqualTo("conv");
    }

    /** Every config in configs/ and configs/experiments/ still binds, and the fusion recipe is the one described. */
    @Test
    void everyShippedConfigIsValid() throws Exception {
        List<Path> configs;
        try (var files = java.nio.file.Files.walk(Path.of("../configs"))) {
            configs = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertThat(configs).hasSizeGreaterThanOrEqualTo(4);
        for (Path config : configs) {
            assertThat(TrainConfigLoader.load(config, List.of())).as(config.toString()).isNotNull();
        }
        TrainConfig fusion = TrainConfigLoader.load(Path.of("../configs/shapes-tiny-fusion.yaml"), List.of());
        assertThat(fusion.model().initFrom()).isEqualTo("models/autoglm-shapes-tiny");
        assertThat(fusion.model().lockImageTower()).isTrue();
        assertThat(fusion.model().unlockedImageLayers()).isEqualTo(2);
        assertThat(fusion.data().questionsPerImage()).isEqualTo(4);
        assertThat(TrainConfigLoader.load(Path.of("../configs/experiments/shapes-tiny-fusion-spatial.yaml"), List.of())
                .data().questionKeys()).containsExactly("qa", "spatial_qa");
    }

    @Test
    void unknownKeysAreRefusedByName() throws Exception {
        Path f = yaml("data:\n  train: t.jsonl\noptim:\n  learning_rate: 0.1\nrun:\n  out: o\n");
        assertThatThrownBy(() -> TrainConfigLoader.load(f, List.of()))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("unknown key 'optim.learning_rate'")
                .hasMessageContaining("lr");
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("data.train=t", "run.out=o", "sed=1")))
                .hasMessageContaining("unknown key 'sed'");
    }

    @Test
    void badValuesNameTheKeyAndTheAllowedRange() {
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("data.train=t", "run.out=o", "optim.batch_size=1")))
                .isInstanceOf(UserInputException.class).hasMessageContaining("optim.batch_size").hasMessageContaining("[2,");
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("data.train=t", "run.out=o", "model.preset=huge")))
                .hasMessageContaining("model.preset").hasMessageContaining("tiny");
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("data.train=t", "run.out=o", "optim.lr=fast")))
                .hasMessageContaining("optim.lr");
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("run.out=o")))
                .hasMessageContaining("data.train");
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("data.train=t", "run.out=o", "optim=3")))
                .isInstanceOf(UserInputException.class);
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("data.train=t", "run.out=o", "data.question_keys=[]")))
                .isInstanceOf(UserInputException.class).hasMessageContaining("data.question_keys");
        assertThatThrownBy(() -> TrainConfigLoader.load(null, List.of("no-equals-sign")))
                .hasMessageContaining("key=value");
    }

    @Test
    void malformedYamlIsOneClearError() throws Exception {
        Path f = yaml("data: [unclosed\n");
        assertThatThrownBy(() -> TrainConfigLoader.load(f, List.of())).isInstanceOf(UserInputException.class)
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> TrainConfigLoader.load(tmp.resolve("none.yaml"), List.of())).hasMessageContaining("does not exist");
    }
}
