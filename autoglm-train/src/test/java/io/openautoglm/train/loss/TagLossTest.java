package io.openautoglm.train.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.openautoglm.core.TorchRuntime;
import org.junit.jupiter.api.Test;

class TagLossTest {
    /**
     * By hand, -[y ln s(x) + (1 - y) ln(1 - s(x))] per entry: x 0 -> ln 2 = 0.693147 (either target);
     * x 2, y 0 -> ln(1 + e^2) = 2.126928; x -1, y 0 -> ln(1 + e^-1) = 0.313262. Mean of the four: 0.956621.
     */
    @Test
    void isTheMeanBinaryCrossEntropyOfEveryTag() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            var logits = m.create(new float[] {0, 2, -1, 0}, new Shape(2, 2));
            float loss = TagLoss.binaryCrossEntropy(logits, new float[] {1, 0, 0, 1}).getFloat();
            assertThat((double) loss).isCloseTo(0.956621, within(1e-5));
        }
    }

    /** Confident logits neither overflow nor lose the sign: right costs ~0, wrong costs ~|x|. */
    @Test
    void confidentLogitsStayFinite() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            var logits = m.create(new float[] {100, -100}, new Shape(1, 2));
            assertThat(TagLoss.binaryCrossEntropy(logits, new float[] {1, 0}).getFloat()).isLessThan(1e-6f);
            assertThat((double) TagLoss.binaryCrossEntropy(logits, new float[] {0, 1}).getFloat()).isCloseTo(100.0, within(1e-3));
        }
    }
}
