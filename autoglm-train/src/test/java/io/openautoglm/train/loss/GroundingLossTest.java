package io.openautoglm.train.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.openautoglm.core.TorchRuntime;
import org.junit.jupiter.api.Test;

/** Hand-computed cases of the attention grounding loss on a 2 x 2 grid (plus the class token). */
class GroundingLossTest {
    @Test
    void theLossIsMinusTheLogOfTheWeightOnTheObjectsCells() {
        TorchRuntime.engine();
        try (NDManager m = NDManager.newBaseManager()) {
            // one row, two tokens; token 0 names nothing, token 1 a small object in the top-left cell
            float[] attention = {
                0.2f, 0.2f, 0.2f, 0.2f, 0.2f,
                0.1f, 0.5f, 0.2f, 0.1f, 0.1f};
            float[] targets = new float[1 * 3 * 4]; // context length 3: the third column is unused
            targets[4] = 1f;
            targets[5] = 0.25f;
            targets[6] = 0.25f;
            targets[7] = 0.1f;
            float loss = FusionObjectives.grounding(m.create(attention, new Shape(1, 2, 5)), targets, 3).getFloat();
            assertThat((double) loss).isCloseTo(-Math.log(0.5), within(1e-5));

            // a large object in the middle covers all four cells (their centres are 0.35 away)
            targets[5] = 0.5f;
            targets[6] = 0.5f;
            targets[7] = 0.4f;
            loss = FusionObjectives.grounding(m.create(attention, new Shape(1, 2, 5)), targets, 3).getFloat();
            assertThat((double) loss).isCloseTo(-Math.log(0.9), within(1e-5));

            // no naming token: nothing to learn
            loss = FusionObjectives.grounding(m.create(attention, new Shape(1, 2, 5)), new float[12], 3).getFloat();
            assertThat(loss).isZero();
        }
    }
}
