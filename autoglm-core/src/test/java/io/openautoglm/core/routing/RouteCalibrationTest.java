package io.openautoglm.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.ZeroShotResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The threshold choice and the route file, without models (the CLI tests run them with real ones). */
class RouteCalibrationTest {
    @TempDir
    Path dir;

    @Test
    void picksTheSmallestThresholdThatReachesTheTarget() {
        // margins 0.1..0.9; the student is wrong at 0.1, 0.2 and 0.6
        float[] m = {0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f, 0.9f, 0.95f};
        boolean[] ok = {false, false, true, true, true, false, true, true, true, true};
        RouteCalibration c = RouteCalibration.choose(m, ok, 0.9);
        assertThat(c.threshold()).isEqualTo(0.3f); // 0.1 and 0.2 to the teacher: one disagreement left, 0.9
        assertThat(c.agreement()).isCloseTo(0.9, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(c.studentShare()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(c.studentAgreement()).isCloseTo(0.7, org.assertj.core.data.Offset.offset(1e-12));
        RouteCalibration strict = RouteCalibration.choose(m, ok, 1.0);
        assertThat(strict.threshold()).isEqualTo(0.7f);
        assertThat(strict.studentShare()).isCloseTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(strict.agreement()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aStudentThatAlwaysAgreesKeepsEverythingAndOneThatNeverDoesKeepsNothing() {
        float[] m = {0.2f, 0.5f, 0.8f};
        assertThat(RouteCalibration.choose(m, new boolean[] {true, true, true}, 0.99).threshold()).isZero();
        RouteCalibration none = RouteCalibration.choose(m, new boolean[] {false, false, false}, 0.99);
        assertThat(none.threshold()).isGreaterThan(1.0);
        assertThat(none.studentShare()).isZero();
        assertThat(ZeroShotRouter.decide(1f, none.threshold())).isEqualTo(Route.TEACHER);
        assertThat(ZeroShotRouter.decide(0f, 0)).isEqualTo(Route.STUDENT);
    }

    @Test
    void equalMarginsMoveTogether() {
        // a threshold cannot split pictures with the same margin
        RouteCalibration c = RouteCalibration.choose(new float[] {0.4f, 0.4f, 0.9f}, new boolean[] {false, true, true}, 0.9);
        assertThat(c.threshold()).isEqualTo(0.9f);
        assertThat(c.studentShare()).isEqualTo(1.0 / 3);
    }

    @Test
    void marginIsTopOneMinusTopTwo() {
        ZeroShotResult r = new ZeroShotResult(List.of(new ZeroShotResult.LabelScore("a", 0.7f),
                new ZeroShotResult.LabelScore("b", 0.2f), new ZeroShotResult.LabelScore("c", 0.1f)));
        assertThat(ZeroShotRouter.margin(r)).isEqualTo(0.5f, org.assertj.core.data.Offset.offset(1e-6f));
    }

    @Test
    void theFileRoundTripsAndRefusesOtherModels() throws Exception {
        RouteCalibration c = RouteCalibration.choose(new float[] {0.3f, 0.6f}, new boolean[] {false, true}, 0.99);
        RouteFile f = new RouteFile(c, 0.99, new RouteFile.ModelRef("/s", "aaaa"), new RouteFile.ModelRef("/t", "bbbb"),
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
        Path file = dir.resolve("route.json");
        f.write(file);
        RouteFile back = RouteFile.read(file);
        assertThat(back.threshold()).isEqualTo(c.threshold());
        back.requireModels(file, new RouteFile.ModelRef("/elsewhere", "aaaa"), new RouteFile.ModelRef("/t2", "bbbb")); // moved: fine
        assertThatThrownBy(() -> back.requireModels(file, new RouteFile.ModelRef("/s", "aaaa"), new RouteFile.ModelRef("/t", "cccc")))
                .isInstanceOf(UserInputException.class).hasMessageContaining("calibrated for the teacher /t");
        Files.writeString(file, "not json");
        assertThatThrownBy(() -> RouteFile.read(file)).isInstanceOf(UserInputException.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> RouteFile.read(dir.resolve("none.json"))).isInstanceOf(UserInputException.class)
                .hasMessageContaining("does not exist");
    }
}
