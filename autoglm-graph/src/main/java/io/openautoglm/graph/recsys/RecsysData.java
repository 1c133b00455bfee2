package io.openautoglm.graph.recsys;

import java.util.List;

/**
 * A recommendation set in memory: items with their encoder features and cold-start flag, users
 * (numbered in order of first appearance) and time-stamped impressions with click and like.
 * {@link #inputs()} derives what the rankers see from the {@code train} impressions alone.
 */
public record RecsysData(List<String> itemIds, float[][] itemFeatures, int[] cold, List<String> userIds, List<Event> events) {
    public record Event(int user, int item, long time, boolean click, boolean like, String split) {}

    public int users() {
        return userIds.size();
    }

    public int items() {
        return itemIds.size();
    }

    public int featureWidth() {
        return itemFeatures[0].length;
    }

    public List<Event> split(String name) {
        return events.stream().filter(e -> e.split().equals(name)).toList();
    }

    /** What the rankers see, built from training impressions only, so no val/test click leaks in. */
    public RankerInputs inputs() {
        return RankerInputs.of(this);
    }
}
