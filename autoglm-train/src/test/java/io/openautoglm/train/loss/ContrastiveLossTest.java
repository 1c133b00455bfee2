package io.openautoglm.train.loss;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.openautoglm.core.TorchRuntime;
import org.junit.jupiter.api.Test;

class ContrastiveLossTest {
    @Test
    void duplicateCaptionsBecomeSharedPositives() {
        float[] t = ContrastiveLoss.targets(new String[] {"a", "b", "a"});
        assertThat(t).containsExactly(0.5f, 0, 0.5f, 0, 1, 0, 0.5f, 0, 0.5f);
    }

    /**
     * Two images with the same caption, embedded on top of each other: with multi-positive targets
     * that is already optimal (zero gradient); one-hot targets would keep pushing the twins apart.
     */
    @Test
    void matchingDuplicatesAreNotPushedApart() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            assertThat(gradientNorm(m, new String[] {"x", "y", "x"})).isLessThan(1e-3);
            assertThat(gradientNorm(m, new String[] {"x", "y", "z"})).isGreaterThan(0.1);
        }
    }

    private static double gradientNorm(NDManager m, String[] keys) {
        NDArray images = m.create(new float[] {1, 0, 0, 1, 1, 0}, new Shape(3, 2)); // images 0 and 2 alike
        NDArray texts = m.create(new float[] {1, 0, 0, 1, 1, 0}, new Shape(3, 2)); // captions 0 and 2 alike
        images.setRequiresGradient(true);
        try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
            NDArray loss = ContrastiveLoss.multiPositive(images, texts, m.create(10f),
                    m.create(ContrastiveLoss.targets(keys), new Shape(3, 3)));
            gc.backward(loss);
        }
        return Math.sqrt(images.getGradient().square().sum().getFloat());
    }
}
