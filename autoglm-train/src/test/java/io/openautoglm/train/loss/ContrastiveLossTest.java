package io.openautoglm.train.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.openautoglm.core.TorchRuntime;
import org.junit.jupiter.api.Test;

class ContrastiveLossTest {
    @Test
    void duplicateCaptionsBecomeSharedPositives() {
        float[] t = ContrastiveLoss.targets(new String[] {"a", "b", "a"});
        assertThat(t).containsExactly(0.5f, 0, 0.5f, 0, 1, 0, 0.5f, 0, 0.5f);
    }

    /**
     * Two images with the same caption: with multi-positive targets, embeddings that put both images
     * on that caption reach the entropy floor; with one-hot targets they would be punished.
     */
    @Test
    void matchingDuplicatesAreNotPunishedAsNegatives() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            NDArray images = m.create(new float[] {1, 0, 0, 1, 1, 0}, new Shape(3, 2)); // images 0 and 2 alike
            NDArray texts = m.create(new float[] {1, 0, 0, 1, 1, 0}, new Shape(3, 2)); // captions 0 and 2 identical
            NDArray scale = m.create(100f);
            float multi = ContrastiveLoss.multiPositive(images, texts, scale,
                    m.create(ContrastiveLoss.targets(new String[] {"x", "y", "x"}), new Shape(3, 3))).getFloat();
            float oneHot = ContrastiveLoss.multiPositive(images, texts, scale,
                    m.create(ContrastiveLoss.targets(new String[] {"x", "y", "z"}), new Shape(3, 3))).getFloat();
            double floor = (2 * Math.log(2)) / 3; // rows 0 and 2 split evenly between two matches
            assertThat((double) multi).isCloseTo(floor, within(1e-3));
            assertThat(oneHot).isGreaterThan(multi + 0.3f);
        }
    }
}
