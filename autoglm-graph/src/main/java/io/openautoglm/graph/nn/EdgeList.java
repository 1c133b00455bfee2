package io.openautoglm.graph.nn;

import io.openautoglm.graph.data.Graph;

/**
 * The edges a model passes messages along, as COO arrays over nodes 0..n-1: directed
 * source → target, each with a relation number and a weight. A sampled subgraph or a learned
 * structure is another EdgeList over the same kind of numbering.
 */
public record EdgeList(int nodeCount, int[] source, int[] target, int[] relation, float[] weight, int relationCount) {
    public EdgeList {
        if (source.length != target.length || source.length != relation.length || source.length != weight.length) {
            throw new IllegalArgumentException("edge arrays differ in length");
        }
    }

    public static EdgeList of(Graph g) {
        return new EdgeList(g.nodeCount(), g.source(), g.target(), g.relation(), g.weight(), Math.max(1, g.relations().size()));
    }

    public int edgeCount() {
        return source.length;
    }
}
