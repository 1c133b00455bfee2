package io.openautoglm.graph.embed;

import io.openautoglm.core.UserInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An undirected weighted graph over points 0..n-1 in adjacency lists: the symmetrised k-nearest-
 * neighbour graph of a point set (i and j are joined when either is among the other's k nearest,
 * by Euclidean distance), or a given edge list. Each edge keeps its length (the distance).
 */
public final class KnnGraph {
    private final int[][] neighbours;
    private final double[][] lengths;

    private KnnGraph(int[][] neighbours, double[][] lengths) {
        this.neighbours = neighbours;
        this.lengths = lengths;
    }

    /**
     * The symmetrised kNN graph of {@code points} (n rows of one width), by brute force: n² distances,
     * rows in parallel (about a minute for 20k points of 512 dimensions on 2 cores).
     */
    public static KnnGraph of(float[][] points, int k) {
        int n = points.length;
        if (n < 3) {
            throw new UserInputException("an embedding needs at least 3 points, got " + n);
        }
        if (k < 1 || k >= n) {
            throw new UserInputException("--neighbours must be between 1 and " + (n - 1) + " (the points less one), got " + k);
        }
        int[][] nearest = new int[n][];
        double[][] distance = new double[n][];
        IntStream.range(0, n).parallel().forEach(i -> {
            double[] d = new double[n];
            for (int j = 0; j < n; j++) {
                d[j] = j == i ? Double.POSITIVE_INFINITY : squaredDistance(points[i], points[j]);
            }
            Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
            Arrays.sort(order, (a, b) -> Double.compare(d[a], d[b]));
            nearest[i] = new int[k];
            distance[i] = new double[k];
            for (int t = 0; t < k; t++) {
                nearest[i][t] = order[t];
                distance[i][t] = Math.sqrt(d[order[t]]);
            }
        });
        int[] src = new int[n * k];
        int[] dst = new int[n * k];
        double[] w = new double[n * k];
        for (int i = 0, c = 0; i < n; i++) {
            for (int t = 0; t < k; t++, c++) {
                src[c] = i;
                dst[c] = nearest[i][t];
                w[c] = distance[i][t];
            }
        }
        return undirected(n, src, dst, w);
    }

    /** An undirected graph from edges (either direction; duplicates keep the shortest length; self-loops dropped). */
    public static KnnGraph undirected(int n, int[] source, int[] target, double[] length) {
        List<java.util.Map<Integer, Double>> adjacency = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            adjacency.add(new java.util.HashMap<>());
        }
        for (int e = 0; e < source.length; e++) {
            int a = source[e];
            int b = target[e];
            if (a == b) {
                continue;
            }
            adjacency.get(a).merge(b, length[e], Math::min);
            adjacency.get(b).merge(a, length[e], Math::min);
        }
        int[][] neighbours = new int[n][];
        double[][] lengths = new double[n][];
        for (int i = 0; i < n; i++) {
            int[] keys = adjacency.get(i).keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            neighbours[i] = keys;
            lengths[i] = new double[keys.length];
            for (int t = 0; t < keys.length; t++) {
                lengths[i][t] = adjacency.get(i).get(keys[t]);
            }
        }
        return new KnnGraph(neighbours, lengths);
    }

    public int size() {
        return neighbours.length;
    }

    int[] neighbours(int i) {
        return neighbours[i];
    }

    double[] lengths(int i) {
        return lengths[i];
    }

    public int edgeCount() {
        return Arrays.stream(neighbours).mapToInt(a -> a.length).sum() / 2;
    }

    /** Per node its connected component, numbered from 0 by first appearance. */
    public int[] components() {
        int n = size();
        int[] component = new int[n];
        Arrays.fill(component, -1);
        int next = 0;
        int[] stack = new int[n];
        for (int s = 0; s < n; s++) {
            if (component[s] >= 0) {
                continue;
            }
            int top = 0;
            stack[top++] = s;
            component[s] = next;
            while (top > 0) {
                int v = stack[--top];
                for (int u : neighbours[v]) {
                    if (component[u] < 0) {
                        component[u] = next;
                        stack[top++] = u;
                    }
                }
            }
            next++;
        }
        return component;
    }

    /**
     * Both methods need one connected graph (eigenmaps would spend a coordinate per component,
     * geodesics between components are infinite): one clear line when it is not.
     */
    void requireConnected(String advice) {
        int[] component = components();
        int count = Arrays.stream(component).max().orElse(-1) + 1;
        if (count > 1) {
            int[] sizes = new int[count];
            for (int c : component) {
                sizes[c]++;
            }
            int largest = Arrays.stream(sizes).max().orElse(0);
            throw new UserInputException("the graph has " + count + " connected components (the largest holds " + largest + " of "
                    + size() + " points): " + advice);
        }
    }

    private static double squaredDistance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
