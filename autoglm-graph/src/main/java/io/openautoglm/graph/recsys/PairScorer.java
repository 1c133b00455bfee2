package io.openautoglm.graph.recsys;

/** Scores (user, item) pairs: [k][0] the click score, [k][1] the like score (any monotone scale). */
public interface PairScorer {
    float[][] score(int[] users, int[] items);

    /** The popularity baseline: an item's training clicks, for both tasks; cold-start items all tie at 0. */
    static PairScorer popularity(RankerInputs inputs) {
        return (users, items) -> {
            float[][] out = new float[users.length][2];
            for (int k = 0; k < users.length; k++) {
                out[k][0] = inputs.trainClicks()[items[k]];
                out[k][1] = out[k][0];
            }
            return out;
        };
    }
}
