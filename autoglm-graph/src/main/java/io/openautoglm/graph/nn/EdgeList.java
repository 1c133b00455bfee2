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

    /**
     * The graph's edges with relations numbered as {@code relations} lists them (a trained model's
     * order), so a file that names them in another order still means the same relations.
     */
    public static EdgeList of(Graph g, java.util.List<String> relations) {
        int[] remap = new int[g.relations().size()];
        for (int r = 0; r < remap.length; r++) {
            remap[r] = relations.indexOf(g.relations().get(r));
            if (remap[r] < 0) {
                throw new io.openautoglm.core.UserInputException("relation '" + g.relations().get(r)
                        + "' was not in the training graph, whose relations are " + relations);
            }
        }
        int[] relation = new int[g.edgeCount()];
        for (int k = 0; k < relation.length; k++) {
            relation[k] = remap[g.relation()[k]];
        }
        return new EdgeList(g.nodeCount(), g.source(), g.target(), relation, g.weight(), Math.max(1, relations.size()));
    }

    public int edgeCount() {
        return source.length;
    }
}
