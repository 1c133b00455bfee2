package io.openautoglm.train.loss;

import static org.assertj.core.api.Assertions.assertThat;

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
     * Two images with the same caption, embedded on top of each other. With multi-positive targets
     * that is optimal: the loss equals its floor, the entropy of the targets (zero excess). With
     * one-hot targets the same embeddings are punished, as if the twins were wrong matches.
     */
    @Test
    void matchingDuplicatesAreNotPunished() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            assertThat(excessLoss(m, new String[] {"x", "y", "x"})).isLessThan(1e-3);
            assertThat(excessLoss(m, new String[] {"x", "y", "z"})).isGreaterThan(0.4); // 2 ln 2 / 3 = 0.46
        }
    }

    private static double excessLoss(NDManager m, String[] keys) {
        NDArray images = m.create(new float[] {1, 0, 0, 1, 1, 0}, new Shape(3, 2)); // images 0 and 2 alike
        NDArray texts = m.create(new float[] {1, 0, 0, 1, 1, 0}, new Shape(3, 2)); // captions 0 and 2 alike
        float[] t = ContrastiveLoss.targets(keys);
        double entropy = 0;
        for (float v : t) {
            entropy -= v > 0 ? v * Math.log(v) / 3 : 0;
        }
        double loss = ContrastiveLoss.multiPositive(images, texts, m.create(20f), m.create(t, new Shape(3, 3))).getFloat();
        return loss - entropy;
    }

    /**
     * Two orthogonal pictures with their captions, plus one hard negative that points like picture
     * 0: it lowers picture 0's image-to-text probability from e^s/(e^s+1) to e^s/(2e^s+1) and leaves
     * the text-to-image half untouched.
     */
    @Test
    void hardNegativesEnterOnlyTheImageToTextSoftmax() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            float s = 3f;
            NDArray images = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2));
            NDArray texts = m.create(new float[] {1, 0, 0, 1, 1, 0}, new Shape(3, 2)); // captions 0, 1, then the negative
            float[] own = ContrastiveLoss.targets(new String[] {"a", "b"});
            float[] withNegative = ContrastiveLoss.targets(new String[] {"a", "b"}, new String[] {"a", "b", "not a"});
            assertThat(withNegative).containsExactly(1, 0, 0, 0, 1, 0);
            double loss = ContrastiveLoss.multiPositive(images, texts, m.create(s), m.create(withNegative, new Shape(2, 3)),
                    m.create(own, new Shape(2, 2))).getFloat();
            double e = Math.exp(s);
            double imageToText = (-Math.log(e / (2 * e + 1)) - Math.log(e / (e + 2))) / 2;
            double textToImage = -Math.log(e / (e + 1));
            assertThat(loss).isCloseTo((imageToText + textToImage) / 2, org.assertj.core.data.Offset.offset(1e-5));
        }
    }
}
