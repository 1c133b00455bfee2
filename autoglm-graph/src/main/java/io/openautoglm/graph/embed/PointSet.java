package io.openautoglm.graph.embed;

import java.util.List;
import java.util.Map;

/**
 * What {@code graph embed} embeds: named points with metadata, and either their vectors (the kNN
 * graph is built from them) or a given graph (nodes without features, their edges).
 *
 * @param vectors  (n, D) rows, or null when {@code given} is the graph
 * @param given    the graph to embed along, or null when it is the vectors' kNN graph
 * @param metadata per point its string fields (an index's metadata and path; a node's type, label, split)
 */
public record PointSet(List<String> ids, float[][] vectors, KnnGraph given, List<Map<String, String>> metadata) {
    public int size() {
        return ids.size();
    }

    /** The graph the methods run on: the given one, or the symmetrised kNN graph of the vectors. */
    public KnnGraph graph(int neighbours) {
        return given != null ? given : KnnGraph.of(vectors, neighbours);
    }
}
