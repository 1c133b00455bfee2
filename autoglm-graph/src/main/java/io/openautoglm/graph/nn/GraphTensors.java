package io.openautoglm.graph.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The constant tensors message passing needs, built once per forward pass in the pass's manager
 * and only when a layer asks for them. Aggregation is a sparse COO matrix times a dense one
 * ({@code torch.sparse.mm}: autograd flows into the dense side), gathering is advanced indexing
 * ({@code x[index]}, whose backward accumulates); together they are gather/scatter-add, which DJL
 * does not expose directly. Sum into targets of per-edge rows is the incidence matrix
 * (N, E) with one 1 per column, times the (E, D) messages.
 */
public final class GraphTensors {
    private final NDManager manager;
    private final EdgeList edges;
    private NDArray gcn;
    private NDArray meanUndirected;
    private NDArray meanIn;
    private NDArray meanOut;
    private List<NDArray> perRelation;
    private int[] loopSource;
    private int[] loopTarget;
    private NDArray loopSourceIndex;
    private NDArray loopTargetIndex;
    private NDArray loopIncidence;

    public GraphTensors(NDManager manager, EdgeList edges) {
        this.manager = manager;
        this.edges = edges;
    }

    public EdgeList edges() {
        return edges;
    }

    public int nodeCount() {
        return edges.nodeCount();
    }

    /** D^-1/2 (A + Aᵀ + I) D^-1/2 with edge weights, as in Kipf and Welling: (N, N) sparse. */
    public NDArray gcnAdjacency() {
        if (gcn == null) {
            int n = nodeCount();
            int e = edges.edgeCount();
            int[] rows = new int[2 * e + n];
            int[] cols = new int[2 * e + n];
            float[] vals = new float[2 * e + n];
            double[] degree = new double[n];
            for (int k = 0; k < e; k++) {
                rows[2 * k] = edges.target()[k];
                cols[2 * k] = edges.source()[k];
                rows[2 * k + 1] = edges.source()[k];
                cols[2 * k + 1] = edges.target()[k];
                vals[2 * k] = vals[2 * k + 1] = edges.weight()[k];
            }
            for (int i = 0; i < n; i++) {
                rows[2 * e + i] = cols[2 * e + i] = i;
                vals[2 * e + i] = 1f;
            }
            for (int k = 0; k < rows.length; k++) {
                degree[rows[k]] += vals[k];
            }
            for (int k = 0; k < rows.length; k++) {
                vals[k] = (float) (vals[k] / Math.sqrt(degree[rows[k]] * degree[cols[k]]));
            }
            gcn = sparse(rows, cols, vals, n, n);
        }
        return gcn;
    }

    /** Row i averages the neighbours of i along both directions (GraphSAGE mean): (N, N) sparse. */
    public NDArray meanUndirected() {
        if (meanUndirected == null) {
            int e = edges.edgeCount();
            meanUndirected = mean(concat(edges.target(), edges.source()), concat(edges.source(), edges.target()), 2 * e);
        }
        return meanUndirected;
    }

    /** Row i averages the sources of i's incoming edges: (N, N) sparse. */
    public NDArray meanIn() {
        if (meanIn == null) {
            meanIn = mean(edges.target(), edges.source(), edges.edgeCount());
        }
        return meanIn;
    }

    /** Row i averages the targets of i's outgoing edges: (N, N) sparse. */
    public NDArray meanOut() {
        if (meanOut == null) {
            meanOut = mean(edges.source(), edges.target(), edges.edgeCount());
        }
        return meanOut;
    }

    /**
     * R-GCN's per-relation adjacency with 1/c(i, r) normalisation, c the number of i's neighbours
     * under r: relation r forward is matrix r, its inverse is matrix R + r, so 2R (N, N) sparse;
     * an entry is null where the relation has no edges in this graph.
     */
    public List<NDArray> relationAdjacency() {
        if (perRelation == null) {
            int r = edges.relationCount();
            List<NDArray> out = new ArrayList<>(2 * r);
            for (int direction = 0; direction < 2; direction++) {
                for (int rel = 0; rel < r; rel++) {
                    int count = 0;
                    for (int k = 0; k < edges.edgeCount(); k++) {
                        count += edges.relation()[k] == rel ? 1 : 0;
                    }
                    int[] rows = new int[count];
                    int[] cols = new int[count];
                    int c = 0;
                    for (int k = 0; k < edges.edgeCount(); k++) {
                        if (edges.relation()[k] == rel) {
                            rows[c] = direction == 0 ? edges.target()[k] : edges.source()[k];
                            cols[c] = direction == 0 ? edges.source()[k] : edges.target()[k];
                            c++;
                        }
                    }
                    out.add(mean(rows, cols, count));
                }
            }
            perRelation = out;
        }
        return perRelation;
    }

    /** Undirected edges plus one self loop per node, as GAT attends: sources (E'), int64. */
    public NDArray loopSourceIndex() {
        loops();
        return loopSourceIndex;
    }

    /** Targets of {@link #loopSourceIndex()}: (E'), int64. */
    public NDArray loopTargetIndex() {
        loops();
        return loopTargetIndex;
    }

    /** Sums per-edge rows into their targets: (N, E') sparse of ones. */
    public NDArray loopIncidence() {
        loops();
        return loopIncidence;
    }

    private void loops() {
        if (loopIncidence != null) {
            return;
        }
        int n = nodeCount();
        int e = edges.edgeCount();
        loopSource = new int[2 * e + n];
        loopTarget = new int[2 * e + n];
        for (int k = 0; k < e; k++) {
            loopSource[2 * k] = edges.source()[k];
            loopTarget[2 * k] = edges.target()[k];
            loopSource[2 * k + 1] = edges.target()[k];
            loopTarget[2 * k + 1] = edges.source()[k];
        }
        for (int i = 0; i < n; i++) {
            loopSource[2 * e + i] = loopTarget[2 * e + i] = i;
        }
        int[] columns = new int[loopSource.length];
        Arrays.setAll(columns, k -> k);
        float[] ones = new float[loopSource.length];
        Arrays.fill(ones, 1f);
        loopSourceIndex = manager.create(Arrays.stream(loopSource).asLongStream().toArray());
        loopTargetIndex = manager.create(Arrays.stream(loopTarget).asLongStream().toArray());
        loopIncidence = sparse(loopTarget, columns, ones, n, loopSource.length);
    }

    /** Sums per-edge rows into their targets, edges as given (no self loops): (N, E) sparse of ones. */
    public NDArray incidenceIntoTargets() {
        int e = edges.edgeCount();
        int[] columns = new int[e];
        Arrays.setAll(columns, k -> k);
        float[] ones = new float[e];
        Arrays.fill(ones, 1f);
        return sparse(edges.target(), columns, ones, nodeCount(), e);
    }

    /** {@code adjacency} (N, N) sparse times {@code x} (N, D); zeros where the graph has no such edges (null). */
    public static NDArray aggregate(NDArray adjacency, NDArray x) {
        return adjacency == null ? x.zerosLike() : adjacency.matMul(x);
    }

    /** Rows of {@code x} at {@code index}: (E) int64 over (N, D) to (E, D), with autograd. */
    public static NDArray gather(NDArray x, NDArray index) {
        return x.get(new NDIndex("{}", index));
    }

    /** The row-normalised (N, N) sparse matrix of these entries; null when there are none (an empty relation). */
    private NDArray mean(int[] rows, int[] cols, int count) {
        if (count == 0) {
            return null;
        }
        int n = nodeCount();
        int[] degree = new int[n];
        for (int k = 0; k < count; k++) {
            degree[rows[k]]++;
        }
        float[] vals = new float[count];
        for (int k = 0; k < count; k++) {
            vals[k] = 1f / degree[rows[k]];
        }
        return sparse(rows, cols, vals, n, n);
    }

    /**
     * A COO matrix whose indices and values stay owned by this pass's manager. Not
     * {@code NDManager.createCoo}: PyTorch's engine closes the index and value tensors it made right
     * after building the sparse one, which shares their memory, so later products read freed memory
     * (seen as "index out of column bound: 140344431740480").
     */
    private NDArray sparse(int[] rows, int[] cols, float[] vals, int height, int width) {
        long[] index = new long[2 * rows.length];
        for (int k = 0; k < rows.length; k++) {
            index[k] = rows[k];
            index[rows.length + k] = cols[k];
        }
        NDArray indices = manager.create(index, new Shape(2, rows.length)); // (2, nnz) int64, kept until the pass ends
        NDArray values = manager.create(vals); // (nnz)
        NDArray coo = ai.djl.pytorch.jni.JniUtils.createSparseCoo((ai.djl.pytorch.engine.PtNDArray) indices,
                (ai.djl.pytorch.engine.PtNDArray) values, new Shape(height, width)); // (height, width) sparse
        coo.attach(manager);
        return coo;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
