package io.openautoglm.graph.recsys;

import io.openautoglm.graph.eval.BinaryMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The figures of one scorer on one split: click and like AUROC over the split's impressions, and per user
 * NDCG@10 and recall@10 of a ranking of the whole catalogue (less the items the user saw in training)
 * in which the items the user clicked in the split are the relevant ones; the same ranking restricted to
 * cold-start items (never shown in training) under {@code cold}. Users without a click in the split are
 * not ranked. Ties keep catalogue order, so a scorer that cannot tell items apart ranks them arbitrarily.
 */
public final class RecsysEvaluation {
    public static final int K = 10;

    private RecsysEvaluation() {}

    public static Map<String, Object> evaluate(PairScorer scorer, RecsysData data, String split) {
        RankerInputs inputs = data.inputs();
        List<RecsysData.Event> events = data.split(split);
        Map<String, Object> out = new LinkedHashMap<>();
        int[] users = events.stream().mapToInt(RecsysData.Event::user).toArray();
        int[] items = events.stream().mapToInt(RecsysData.Event::item).toArray();
        float[][] s = scorer.score(users, items);
        float[] click = new float[s.length];
        float[] like = new float[s.length];
        boolean[] clicked = new boolean[s.length];
        boolean[] liked = new boolean[s.length];
        for (int k = 0; k < s.length; k++) {
            click[k] = s[k][0];
            like[k] = s[k][1];
            clicked[k] = events.get(k).click();
            liked[k] = events.get(k).like();
        }
        out.put("auroc_click", round(BinaryMetrics.auroc(click, clicked)));
        out.put("auroc_like", round(BinaryMetrics.auroc(like, liked)));
        List<Set<Integer>> relevant = new ArrayList<>();
        for (int u = 0; u < data.users(); u++) {
            relevant.add(new HashSet<>());
        }
        for (RecsysData.Event e : events) {
            if (e.click()) {
                relevant.get(e.user()).add(e.item());
            }
        }
        int[] all = new int[data.items()];
        int coldCount = (int) Arrays.stream(data.cold()).filter(c -> c == 1).count();
        int[] coldItems = new int[coldCount];
        for (int i = 0, c = 0; i < data.items(); i++) {
            all[i] = i;
            if (data.cold()[i] == 1) {
                coldItems[c++] = i;
            }
        }
        out.putAll(ranking(scorer, data, inputs, relevant, all, false));
        Map<String, Object> cold = new LinkedHashMap<>();
        cold.put("items", coldCount);
        cold.putAll(ranking(scorer, data, inputs, relevant, coldItems, true));
        out.put("cold", cold);
        return out;
    }

    private static Map<String, Object> ranking(PairScorer scorer, RecsysData data, RankerInputs inputs,
            List<Set<Integer>> relevant, int[] candidates, boolean coldOnly) {
        double ndcg = 0;
        double recall = 0;
        int ranked = 0;
        for (int u = 0; u < data.users(); u++) {
            Set<Integer> seen = inputs.seen().get(u);
            int[] pool = Arrays.stream(candidates).filter(i -> !seen.contains(i)).toArray();
            Set<Integer> rel = new HashSet<>();
            for (int i : pool) {
                if (relevant.get(u).contains(i)) {
                    rel.add(i);
                }
            }
            if (rel.isEmpty()) {
                continue;
            }
            int[] userRow = new int[pool.length];
            Arrays.fill(userRow, u);
            float[][] s = scorer.score(userRow, pool);
            Integer[] order = new Integer[pool.length];
            for (int k = 0; k < pool.length; k++) {
                order[k] = k;
            }
            Arrays.sort(order, (a, b) -> Float.compare(s[b][0], s[a][0])); // stable: ties keep catalogue order
            double dcg = 0;
            int hits = 0;
            for (int r = 0; r < Math.min(K, pool.length); r++) {
                if (rel.contains(pool[order[r]])) {
                    dcg += 1 / log2(r + 2);
                    hits++;
                }
            }
            double ideal = 0;
            for (int r = 0; r < Math.min(K, rel.size()); r++) {
                ideal += 1 / log2(r + 2);
            }
            ndcg += dcg / ideal;
            recall += (double) hits / rel.size();
            ranked++;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ndcg_at_10", ranked == 0 ? Double.NaN : round(ndcg / ranked));
        out.put("recall_at_10", ranked == 0 ? Double.NaN : round(recall / ranked));
        out.put("n_users", ranked);
        return out;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 1e4) / 1e4;
    }
}
