package io.openautoglm.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.train.data.shapeworld.ShapeWorldConfig;
import io.openautoglm.train.data.shapeworld.ShapeWorldGenerator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate on the bundled (trained) model: against itself it passes, against a noised copy it fails. */
class AccuracyGateTest {
    static final Path BUNDLED = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize();

    @TempDir
    static Path data;

    static Manifest manifest;
    static MultimodalModel reference;

    @BeforeAll
    static void setUp() throws Exception {
        new ShapeWorldGenerator(ShapeWorldConfig.defaults(60, 41)).generate(data, false, line -> {});
        manifest = Manifest.read(data.resolve("train.jsonl"));
        reference = MultimodalModel.load(BUNDLED);
    }

    @AfterAll
    static void tearDown() {
        reference.close();
    }

    private static AccuracyGate gate(double maxDrop) {
        return new AccuracyGate(manifest, maxDrop, "shape", true, null);
    }

    @Test
    void aModelAgainstItselfPassesWithZeroDrop() {
        AccuracyGate.Result r = gate(0.5).compare(reference, reference);
        assertThat(r.passed()).isTrue();
        assertThat(r.worstDropPoints()).isZero();
        assertThat(r.reference().zeroShotTop1()).isNotNull();
        // The figures are real: the trained model is well above chance on this data.
        assertThat(r.reference().textToImageR1()).isGreaterThan(5.0 / manifest.size());
        ObjectNode json = r.toJson();
        assertThat(json.get("passed").asBoolean()).isTrue();
        assertThat(json.get("drop_points").has("zero_shot_top1")).isTrue();
    }

    @Test
    void aNoisedCopyFailsAndNamesItsWorstFigure() {
        try (MultimodalModel broken = MultimodalModel.load(BUNDLED)) {
            TorchRuntime.seed(7);
            for (Parameter p : broken.network().namedParameters().values()) {
                NDArray w = p.getArray();
                float std = w.size() > 1 ? w.sub(w.mean()).square().mean().sqrt().getFloat() : 0.1f;
                w.addi(w.getManager().randomNormal(0, Math.max(std, 1e-3f), w.getShape(), w.getDataType()));
            }
            AccuracyGate.Result r = gate(0.5).compare(reference, broken);
            assertThat(r.passed()).isFalse();
            assertThat(r.worstDropPoints()).isGreaterThan(10);
            assertThat(r.summary()).startsWith("gate failed").contains(r.worstFigure());
            // A limit above the loss lets the same pair through: the limit is what decides.
            assertThat(new AccuracyGate.Result(r.reference(), r.candidate(), 100, r.worstDropPoints(), r.worstFigure(),
                    r.records()).passed()).isTrue();
        }
    }

    @Test
    void aNegativeLimitIsAUserError() {
        assertThatThrownBy(() -> gate(-1)).isInstanceOf(UserInputException.class).hasMessageContaining("--max-drop");
    }
}
