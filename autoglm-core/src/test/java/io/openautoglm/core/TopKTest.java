package io.openautoglm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TopKTest {
    @Test
    void theLargestComeBestFirstWithTiesInIndexOrder() {
        float[] s = {0.1f, 0.9f, 0.5f, 0.9f, Float.NEGATIVE_INFINITY, 0.7f};
        assertThat(TopK.indices(s, 3)).containsExactly(1, 3, 5);
        assertThat(TopK.indices(s, 10)).containsExactly(1, 3, 5, 2, 0, 4);
        assertThat(TopK.indices(s, 0)).isEmpty();
    }

    @Test
    void aRowOfAMatrixIsIndexedWithinTheRow() {
        float[] m = {5, 4, 3, /* row 1 */ 1, 3, 2};
        assertThat(TopK.indices(m, 3, 3, 2)).containsExactly(1, 2);
    }

    @Test
    void agreesWithAFullSortOnRandomScores() {
        Random r = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            float[] s = new float[200];
            for (int i = 0; i < s.length; i++) {
                s[i] = r.nextInt(40) / 4f; // many ties
            }
            int n = 1 + r.nextInt(30);
            int[] expected = IntStream.range(0, s.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer i) -> -s[i]).thenComparingInt(i -> i))
                    .limit(n).mapToInt(Integer::intValue).toArray();
            assertThat(TopK.indices(s, n)).as(Arrays.toString(s)).containsExactly(expected);
        }
    }
}
