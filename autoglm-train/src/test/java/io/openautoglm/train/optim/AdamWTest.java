package io.openautoglm.train.optim;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.openautoglm.core.TorchRuntime;
import org.junit.jupiter.api.Test;

class AdamWTest {
    @Test
    void clearingAGradientRemovesInfAndNaNInPlace() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            NDArray g = m.create(new float[] {1f, Float.NaN, Float.POSITIVE_INFINITY, -3f});
            NDArray sameStorage = g.get("1:3"); // a view sees the writes
            AdamW.clear(g);
            assertThat(g.toFloatArray()).containsExactly(0f, 0f, 0f, 0f);
            assertThat(sameStorage.toFloatArray()).containsExactly(0f, 0f);
        }
    }

    @Test
    void scheduleWarmsUpThenDecaysToTheFloor() {
        LearningRateSchedule s = new LearningRateSchedule(1.0, 10, 110, 0.1);
        assertThat(s.at(0)).isEqualTo(0.1);
        assertThat(s.at(9)).isEqualTo(1.0);
        assertThat(s.at(60)).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.at(110)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    }
}
