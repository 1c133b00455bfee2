package io.openautoglm.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.graph.nn.DirectedGruLayer;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.nn.GatLayer;
import io.openautoglm.graph.nn.GcnLayer;
import io.openautoglm.graph.nn.GraphLayer;
import io.openautoglm.graph.nn.GraphTensors;
import io.openautoglm.graph.nn.RgcnLayer;
import io.openautoglm.graph.nn.SageLayer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each layer on a 3-node graph (edges 0→1 of relation 0, 2→1 of relation 1) with weights set by
 * hand, against the numbers worked out on paper.
 */
class LayerHandCaseTest {
    static final float[] X = {1, 0, 0, 1, 2, 2}; // (3, 2): x0 = (1,0), x1 = (0,1), x2 = (2,2)
    static final EdgeList EDGES = new EdgeList(3, new int[] {0, 2}, new int[] {1, 1}, new int[] {0, 1}, new float[] {1, 1}, 2);
    NDManager manager;

    @BeforeEach
    void open() {
        TorchRuntime.engine();
        TorchRuntime.stopRecordingGradients();
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void gcnIsSymmetricNormalisedAdjacencyWithSelfLoops() {
        GcnLayer gcn = init(new GcnLayer(2, 2));
        set(gcn, "linear.weight", 1, 0, 0, 1);
        // Degrees with self loops: d0 = 2, d1 = 3, d2 = 2. Row 1: x1/3 + x0/sqrt(6) + x2/sqrt(6).
        float s6 = (float) (1 / Math.sqrt(6));
        float[] expected = {
            0.5f * 1 + s6 * 0, 0.5f * 0 + s6 * 1, // row 0: x0/2 + x1/sqrt(6)
            s6 * (1 + 2), 1f / 3 + s6 * 2, // row 1
            s6 * 0 + 0.5f * 2, s6 * 1 + 0.5f * 2 // row 2: x1/sqrt(6) + x2/2
        };
        assertThat(run(gcn, EDGES)).containsExactly(expected, within(1e-5f));
    }

    @Test
    void sageAddsTheMeanOfNeighbours() {
        SageLayer sage = init(new SageLayer(2, 2));
        set(sage, "self.weight", 1, 0, 0, 1);
        set(sage, "neighbours.weight", 1, 0, 0, 1);
        // Node 1's neighbours are 0 and 2 (mean (1.5, 1)); 0's and 2's only neighbour is 1.
        assertThat(run(sage, EDGES)).containsExactly(new float[] {1, 1, 1.5f, 2, 2, 3}, within(1e-5f));
    }

    @Test
    void gatWithZeroAttentionAveragesNeighboursAndSelf() {
        GatLayer gat = init(new GatLayer(2, 1, 2));
        set(gat, "project.weight", 1, 0, 0, 1);
        // attend_* are random: zero them so every score is equal and attention is uniform.
        set(gat, "attend_source", 0, 0);
        set(gat, "attend_target", 0, 0);
        float[] expected = {0.5f, 0.5f, 1, 1, 1, 1.5f}; // node 1: (x0 + x1 + x2)/3; node 0: (x0 + x1)/2; node 2: (x1 + x2)/2
        assertThat(run(gat, EDGES)).containsExactly(expected, within(1e-5f));
    }

    @Test
    void rgcnNormalisesPerRelationAndKeepsDirections() {
        RgcnLayer rgcn = init(new RgcnLayer(2, 2, 2, 2));
        set(rgcn, "self.weight", 0, 0, 0, 0);
        set(rgcn, "bases", 1, 0, 0, 1, /* V1 = */ 0, 1, 1, 0); // V0 = identity, V1 = swap
        // Relations: 0 forward, 1 forward, 0 inverse, 1 inverse; W_r = a_r0 V0 + a_r1 V1.
        set(rgcn, "coefficients", 1, 0, /* rel 1 */ 0, 1, /* inv 0 */ 0, 0, /* inv 1 */ 2, 0);
        // Node 1 receives x0 along relation 0 (W = I) and x2 along relation 1 (W = swap): (1,0) + (2,2).
        // Node 2 receives x1 along inverse relation 1 (W = 2I): (0, 2). Node 0 receives nothing weighted (inverse 0 is 0).
        assertThat(run(rgcn, EDGES)).containsExactly(new float[] {0, 0, 3, 2, 0, 2}, within(1e-5f));
    }

    @Test
    void directedLayerTellsInFromOut() {
        DirectedGruLayer directed = init(new DirectedGruLayer(2));
        float[] forward = run(directed, EDGES);
        EdgeList reversed = new EdgeList(3, EDGES.target(), EDGES.source(), EDGES.relation(), EDGES.weight(), 2);
        float[] backward = run(directed, reversed);
        assertThat(forward).isNotEqualTo(backward);
        GcnLayer gcn = init(new GcnLayer(2, 2));
        assertThat(run(gcn, EDGES)).containsExactly(run(gcn, reversed), within(1e-6f));
    }

    @Test
    void directedGruMatchesTheGruEquationsWhenGatesAreZero() {
        DirectedGruLayer directed = init(new DirectedGruLayer(2));
        // Zero every matrix and bias but the candidate's message input: z = r = 0.5, n = tanh(W_n m), h' = (n + h)/2.
        directed.namedParameters().values().forEach(p -> p.getArray().set(new NDIndex("..."), 0f));
        set(directed, "incoming.weight", 1, 0, 0, 1);
        NDArray gates = directed.namedParameters().get("gates_message.weight").getArray(); // (6, 4)
        gates.set(new NDIndex("4:6, 0:2"), manager.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)));
        // m_in of node 1 = mean(x0, x2) = (1.5, 1); of nodes 0 and 2 = 0.
        float[] h = run(directed, EDGES);
        assertThat(h).containsExactly(new float[] {0.5f, 0, (float) (Math.tanh(1.5) + 0) / 2, (float) (Math.tanh(1) + 1) / 2, 1, 1},
                within(1e-5f));
    }

    private <L extends GraphLayer> L init(L layer) {
        TorchRuntime.seed(1);
        layer.initialize(manager, DataType.FLOAT32, new Shape(1));
        return layer;
    }

    private void set(GraphLayer layer, String name, float... values) {
        NDArray p = layer.namedParameters().get(name).getArray();
        p.set(new NDIndex("..."), manager.create(values, p.getShape()));
    }

    private float[] run(GraphLayer layer, EdgeList edges) {
        try (NDManager pass = manager.newSubManager()) {
            NDArray x = pass.create(X, new Shape(3, 2));
            return layer.apply(new ParameterStore(pass, false), x, new GraphTensors(pass, edges), false).toFloatArray();
        }
    }
}
