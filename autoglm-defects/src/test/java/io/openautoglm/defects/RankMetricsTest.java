package io.openautoglm.defects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankMetricsTest {
    @Test
    void aurocAndAveragePrecisionAsScikitLearnComputesThem() {
        double[] s = {0.1, 0.4, 0.35, 0.8};
        boolean[] y = {false, false, true, true};
        assertThat(RankMetrics.auroc(s, y)).isCloseTo(0.75, within(1e-12)); // roc_auc_score([0,0,1,1],[.1,.4,.35,.8])
        assertThat(RankMetrics.averagePrecision(s, y)).isCloseTo(0.8333333333333333, within(1e-12));
        assertThat(RankMetrics.auroc(new double[] {1, 1, 1}, new boolean[] {true, false, false})).isEqualTo(0.5); // ties count half
        assertThat(RankMetrics.auroc(new double[] {1, 2}, new boolean[] {true, true})).isNaN();
    }
}
