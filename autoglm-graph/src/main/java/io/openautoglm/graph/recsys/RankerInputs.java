package io.openautoglm.graph.recsys;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The inputs both rankers share, all from {@code train} impressions: each user's history (the mean
 * features of the items they clicked), each item's popularity (log of 1 + its train clicks; 0 for
 * cold-start items, which have none) and the items each user already saw in training.
 */
public record RankerInputs(float[][] history, float[] popularity, int[] trainClicks, List<Set<Integer>> seen) {
    static RankerInputs of(RecsysData data) {
        int d = data.featureWidth();
        float[][] history = new float[data.users()][d];
        int[] clicksByUser = new int[data.users()];
        int[] trainClicks = new int[data.items()];
        List<Set<Integer>> seen = new ArrayList<>();
        for (int u = 0; u < data.users(); u++) {
            seen.add(new HashSet<>());
        }
        for (RecsysData.Event e : data.split("train")) {
            seen.get(e.user()).add(e.item());
            if (e.click()) {
                trainClicks[e.item()]++;
                clicksByUser[e.user()]++;
                float[] f = data.itemFeatures()[e.item()];
                for (int k = 0; k < d; k++) {
                    history[e.user()][k] += f[k];
                }
            }
        }
        for (int u = 0; u < data.users(); u++) {
            if (clicksByUser[u] > 0) {
                for (int k = 0; k < d; k++) {
                    history[u][k] /= clicksByUser[u];
                }
            }
        }
        float[] popularity = new float[data.items()];
        for (int i = 0; i < popularity.length; i++) {
            popularity[i] = (float) Math.log1p(trainClicks[i]);
        }
        return new RankerInputs(history, popularity, trainClicks, seen);
    }
}
