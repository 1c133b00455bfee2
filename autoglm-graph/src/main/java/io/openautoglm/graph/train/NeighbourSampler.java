package io.openautoglm.graph.train;

import io.openautoglm.graph.nn.EdgeList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * GraphSAGE-style neighbour sampling for graphs that do not fit in one pass: from a batch of seed
 * nodes, each hop keeps at most {@code fanout[h]} edges (either direction) of every frontier node,
 * and the sampled edges with their nodes become a small graph numbered from 0, seeds first.
 */
public final class NeighbourSampler {
    private final EdgeList edges;
    private final int[] offsets; // CSR over both directions: node i's edge ids are at ids[offsets[i]..offsets[i+1])
    private final int[] ids;

    public NeighbourSampler(EdgeList edges) {
        this.edges = edges;
        int n = edges.nodeCount();
        offsets = new int[n + 1];
        for (int k = 0; k < edges.edgeCount(); k++) {
            offsets[edges.source()[k] + 1]++;
            offsets[edges.target()[k] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            offsets[i + 1] += offsets[i];
        }
        ids = new int[2 * edges.edgeCount()];
        int[] fill = Arrays.copyOf(offsets, n);
        for (int k = 0; k < edges.edgeCount(); k++) {
            ids[fill[edges.source()[k]]++] = k;
            ids[fill[edges.target()[k]]++] = k;
        }
    }

    /** A sampled subgraph: its edges over local numbers, and the global node of each local one (seeds first). */
    public record Sample(EdgeList edges, int[] globalNodes, int seedCount) {}

    public Sample sample(int[] seeds, int[] fanout, Random random) {
        Map<Integer, Integer> local = new LinkedHashMap<>();
        for (int s : seeds) {
            local.putIfAbsent(s, local.size());
        }
        java.util.Set<Integer> chosenEdges = new java.util.LinkedHashSet<>();
        List<Integer> frontier = new ArrayList<>(local.keySet());
        for (int hop = 0; hop < fanout.length; hop++) {
            List<Integer> next = new ArrayList<>();
            for (int node : frontier) {
                int from = offsets[node];
                int count = offsets[node + 1] - from;
                int take = Math.min(count, fanout[hop]);
                // Partial Fisher-Yates over a copy: `take` distinct edges, uniformly.
                int[] pool = Arrays.copyOfRange(ids, from, from + count);
                for (int t = 0; t < take; t++) {
                    int pick = t + random.nextInt(count - t);
                    int edge = pool[pick];
                    pool[pick] = pool[t];
                    if (chosenEdges.add(edge)) {
                        int other = edges.source()[edge] == node ? edges.target()[edge] : edges.source()[edge];
                        if (local.putIfAbsent(other, local.size()) == null) {
                            next.add(other);
                        }
                    }
                }
            }
            frontier = next;
        }
        int e = chosenEdges.size();
        int[] source = new int[e];
        int[] target = new int[e];
        int[] relation = new int[e];
        float[] weight = new float[e];
        int k = 0;
        for (int edge : chosenEdges) {
            source[k] = local.get(edges.source()[edge]);
            target[k] = local.get(edges.target()[edge]);
            relation[k] = edges.relation()[edge];
            weight[k] = edges.weight()[edge];
            k++;
        }
        int[] global = local.keySet().stream().mapToInt(Integer::intValue).toArray();
        return new Sample(new EdgeList(global.length, source, target, relation, weight, edges.relationCount()), global,
                countSeeds(seeds));
    }

    private static int countSeeds(int[] seeds) {
        return (int) Arrays.stream(seeds).distinct().count();
    }
}
