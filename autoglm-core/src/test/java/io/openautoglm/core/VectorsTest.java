package io.openautoglm.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class VectorsTest {
    @Test
    void similarityIsTheTableOfDotProducts() {
        float[][] a = {{1, 0}, {0, 2}};
        float[][] b = {{3, 4}, {1, 1}, {0, -1}};
        float[][] s = Vectors.similarity(a, b); // (2, 3)
        assertThat(s).hasDimensions(2, 3);
        assertThat(s[0]).containsExactly(3f, 1f, 0f);
        assertThat(s[1]).containsExactly(8f, 2f, -2f);
    }

    @Test
    void normalizeGivesUnitLengthAndLeavesTheInput() {
        float[] v = {3, 4};
        float[] n = Vectors.normalize(v);
        assertThat(n[0]).isCloseTo(0.6f, within(1e-6f));
        assertThat(n[1]).isCloseTo(0.8f, within(1e-6f));
        assertThat(v).containsExactly(3f, 4f);
    }

    @Test
    void softmaxSumsToOneAndSurvivesLargeLogits() {
        float[] p = Vectors.softmax(new float[] {1000f, 1000f + (float) Math.log(3)});
        assertThat(p[0]).isCloseTo(0.25f, within(1e-5f));
        assertThat(p[1]).isCloseTo(0.75f, within(1e-5f));
    }

    @Test
    void toRowsCutsARowMajorBuffer() {
        float[][] rows = Vectors.toRows(new float[] {1, 2, 3, 4, 5, 6}, 3); // (3, 2)
        assertThat(rows).hasDimensions(3, 2);
        assertThat(rows[2]).containsExactly(5f, 6f);
        assertThatThrownBy(() -> Vectors.toRows(new float[5], 2)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dotOfMismatchedLengthsIsAnError() {
        assertThatThrownBy(() -> Vectors.dot(new float[2], new float[3])).isInstanceOf(IllegalArgumentException.class);
    }
}
