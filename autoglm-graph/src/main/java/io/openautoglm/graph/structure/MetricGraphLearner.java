package io.openautoglm.graph.structure;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.nn.ParamBlock;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.nn.GraphTensors;
import io.openautoglm.train.optim.AdamW;
import java.util.Arrays;
import java.util.Map;

/**
 * Learns the graph with the node representations, as IDGL does: a weighted-cosine metric with
 * {@code perspectives} learned weight vectors scores node pairs, each node's {@code k} best
 * become its learned neighbours (re-chosen every few epochs as the metric moves), and a two-layer
 * GCN over λ·(given graph) + (1−λ)·(learned graph) is trained on the labels together with the
 * metric. The loss adds the graph regularisers of Kalofolias: smoothness Σ a_ij‖x_i − x_j‖²
 * (= 2 tr(XᵀLX)), a log-degree term that keeps every node connected, and a Frobenius sparsity term;
 * and, beyond IDGL, a label-aware term that pulls labelled pairs of one class together under the
 * metric and pushes pairs of two classes apart (the classification loss alone moved it slowly).
 * Gradients reach the metric through the learned edge weights; the choice of neighbours does not
 * need one. The result is the weighted kNN edges, to train any model on or to export.
 */
public final class MetricGraphLearner {
    /** Options; the defaults suit graphs of a few thousand nodes. */
    public record Options(int k, int perspectives, int hidden, int epochs, double learningRate, float givenShare,
            float smoothness, float degree, float sparsity, float labelAgreement, int reselectEvery, long seed) {
        public static Options defaults(int k, long seed) {
            return new Options(k, 4, 32, 200, 0.1, 0.5f, 0.2f, 0.2f, 0.1f, 1f, 5, seed);
        }
    }

    /** The learned kNN edges (target ← source), with the metric's similarity as weight. */
    public record Learned(EdgeList edges, float[] metric) {}

    private final Options options;

    public MetricGraphLearner(Options options) {
        this.options = options;
    }

    /**
     * @param x      node inputs (N, D) row-major, standardised
     * @param given  the given edges (may have none)
     * @param label  each node's class (-1 unlabelled); classes counted from it
     */
    public Learned learn(float[] x, EdgeList given, int[] label, int[] trainNodes, StopSignal stop) {
        int n = given.nodeCount();
        int d = x.length / n;
        int classes = Arrays.stream(label).max().orElse(0) + 1;
        TorchRuntime.seed(options.seed());
        try (NDManager manager = TorchRuntime.engine().newBaseManager()) {
            Net net = new Net(d, options.perspectives(), options.hidden(), Math.max(2, classes));
            net.initialize(manager, DataType.FLOAT32, new Shape(1));
            Map<String, Parameter> params = net.namedParameters();
            int[][] neighbours = null;
            try (AdamW optimizer = new AdamW(manager, params, 0.9, 0.999, 1e-8, 5e-4)) {
                for (int epoch = 0; epoch < options.epochs() && !stop.requested(); epoch++) {
                    if (epoch % options.reselectEvery() == 0) {
                        neighbours = nearest(net.embedMetric(manager, x, n, d), n, options.k());
                    }
                    EdgeList learned = edges(neighbours, n, null);
                    try (NDManager scope = manager.newSubManager()) {
                        try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                            NDArray loss = net.loss(scope, x, n, d, given, learned, label, trainNodes, options);
                            gc.backward(loss);
                        }
                        TorchRuntime.stopRecordingGradients();
                        optimizer.step(options.learningRate(), 1.0, scope);
                    }
                }
            }
            float[][] z = net.embedMetric(manager, x, n, d);
            neighbours = nearest(z, n, options.k());
            float[] weights = new float[n * options.k()];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < options.k(); j++) {
                    weights[i * options.k() + j] = Math.max(0f, dot(z[i], z[neighbours[i][j]]) / options.perspectives());
                }
            }
            return new Learned(edges(neighbours, n, weights), params.get("metric").getArray().toFloatArray());
        }
    }

    /** For every node, the {@code k} others with the largest dot product of their metric embeddings. */
    static int[][] nearest(float[][] z, int n, int k) {
        int[][] out = new int[n][];
        float[] scores = new float[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                scores[j] = j == i ? Float.NEGATIVE_INFINITY : dot(z[i], z[j]);
                order[j] = j;
            }
            Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
            int kk = Math.min(k, n - 1);
            out[i] = new int[kk];
            for (int t = 0; t < kk; t++) {
                out[i][t] = order[t];
            }
        }
        return out;
    }

    private static EdgeList edges(int[][] neighbours, int n, float[] weights) {
        int e = Arrays.stream(neighbours).mapToInt(a -> a.length).sum();
        int[] source = new int[e];
        int[] target = new int[e];
        float[] weight = new float[e];
        int c = 0;
        for (int i = 0; i < n; i++) {
            for (int t = 0; t < neighbours[i].length; t++) {
                source[c] = neighbours[i][t];
                target[c] = i;
                weight[c] = weights == null ? 1f : weights[i * neighbours[i].length + t];
                c++;
            }
        }
        return new EdgeList(n, source, target, new int[e], weight, 1);
    }

    private static float dot(float[] a, float[] b) {
        float s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** The metric and the two GCN layers trained with it. */
    static final class Net extends ParamBlock {
        private final Parameter metric; // (P, D): one weight vector per perspective
        private final Parameter first; // (D, H)
        private final Parameter second; // (H, C)
        private final int perspectives;
        private final int width;

        Net(int width, int perspectives, int hidden, int classes) {
            this.width = width;
            this.perspectives = perspectives;
            metric = param("metric", Parameter.Type.WEIGHT, new Shape(perspectives, width), Initializer.ONES);
            first = param("first", Parameter.Type.WEIGHT, new Shape(width, hidden), new NormalInitializer((float) Math.sqrt(2.0 / (width + hidden))));
            second = param("second", Parameter.Type.WEIGHT, new Shape(hidden, classes), new NormalInitializer((float) Math.sqrt(2.0 / (hidden + classes))));
        }

        /** Per node, its metric embedding: each perspective's w ⊙ x, L2-normalised, concatenated: (N, P*D). */
        NDArray metricEmbedding(NDArray x, NDArray w) {
            long n = x.getShape().get(0);
            NDArray weighted = x.expandDims(1).mul(w.expandDims(0)); // (N, P, D)
            NDArray norm = weighted.square().sum(new int[] {2}, true).add(constant(x, 1e-12f)).sqrt(); // (N, P, 1)
            return weighted.div(norm).reshape(n, (long) perspectives * width); // (N, P*D)
        }

        float[][] embedMetric(NDManager manager, float[] x, int n, int d) {
            TorchRuntime.stopRecordingGradients();
            try (NDManager scope = manager.newSubManager()) {
                NDArray input = scope.create(x, new Shape(n, d)); // (N, D)
                float[] flat = metricEmbedding(input, metric.getArray()).toFloatArray();
                float[][] z = new float[n][perspectives * d];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(flat, i * perspectives * d, z[i], 0, perspectives * d);
                }
                return z;
            }
        }

        NDArray loss(NDManager scope, float[] xs, int n, int d, EdgeList given, EdgeList learned, int[] label, int[] train,
                Options o) {
            ParameterStore store = new ParameterStore(scope, false);
            NDArray x = scope.create(xs, new Shape(n, d)); // (N, D)
            NDArray z = metricEmbedding(x, value(store, metric, x, true)); // (N, P*D)
            long[] src = Arrays.stream(learned.source()).asLongStream().toArray();
            long[] dst = Arrays.stream(learned.target()).asLongStream().toArray();
            NDArray srcIndex = scope.create(src); // (E)
            NDArray dstIndex = scope.create(dst); // (E)
            NDArray similarity = Activation.relu(GraphTensors.gather(z, srcIndex).mul(GraphTensors.gather(z, dstIndex))
                    .sum(new int[] {1}).div(constant(x, perspectives))); // (E), a_ij of the learned graph
            GraphTensors givenGraph = new GraphTensors(scope, given);
            GraphTensors learnedGraph = new GraphTensors(scope, learned);
            NDArray incidence = learnedGraph.incidenceIntoTargets(); // (N, E) sparse
            NDArray degree = incidence.matMul(similarity.expandDims(1)).add(constant(x, 1e-6f)); // (N, 1)
            NDArray h = propagate(x.matMul(value(store, first, x, true)), givenGraph, incidence, similarity, degree, srcIndex, o); // (N, H)
            h = Activation.relu(h);
            NDArray logits = propagate(h.matMul(value(store, second, x, true)), givenGraph, incidence, similarity, degree, srcIndex, o); // (N, C)
            NDArray trainIndex = scope.create(Arrays.stream(train).asLongStream().toArray()); // (B)
            float[] oneHot = new float[train.length * (int) logits.getShape().get(1)];
            int c = (int) logits.getShape().get(1);
            for (int i = 0; i < train.length; i++) {
                oneHot[i * c + label[train[i]]] = 1f;
            }
            NDArray target = scope.create(oneHot, new Shape(train.length, c)); // (B, C)
            NDArray nll = GraphTensors.gather(logits, trainIndex).logSoftmax(1).mul(target).sum().neg().div(constant(x, train.length)); // ()
            // Kalofolias' regularisers over the learned edges, each per node.
            NDArray gap = GraphTensors.gather(x, srcIndex).sub(GraphTensors.gather(x, dstIndex)).square().sum(new int[] {1}); // (E)
            NDArray smooth = similarity.mul(gap).sum().div(constant(x, (float) n * d)); // ()
            NDArray connected = degree.log().sum().neg().div(constant(x, n)); // ()
            NDArray sparse = similarity.square().sum().div(constant(x, n)); // ()
            // Label-aware term: labelled pairs of one class should be close under the metric, of two classes apart.
            NDArray labelled = GraphTensors.gather(z, trainIndex); // (B, P*D)
            NDArray pairSimilarity = labelled.matMul(labelled.transpose()).div(constant(x, perspectives)); // (B, B)
            float[] sign = new float[train.length * train.length];
            for (int i = 0; i < train.length; i++) {
                for (int j = 0; j < train.length; j++) {
                    sign[i * train.length + j] = i == j ? 0f : label[train[i]] == label[train[j]] ? 1f : -1f;
                }
            }
            NDArray agreement = pairSimilarity.mul(scope.create(sign, new Shape(train.length, train.length))).mean().neg(); // ()
            return nll.add(smooth.mul(constant(x, o.smoothness()))).add(connected.mul(constant(x, o.degree())))
                    .add(sparse.mul(constant(x, o.sparsity()))).add(agreement.mul(constant(x, o.labelAgreement())));
        }

        /** λ Â h + (1 − λ) D⁻¹ A_learned h: the given graph's GCN step mixed with the learned graph's mean. */
        private static NDArray propagate(NDArray h, GraphTensors given, NDArray incidence, NDArray similarity, NDArray degree,
                NDArray srcIndex, Options o) {
            NDArray learned = incidence.matMul(GraphTensors.gather(h, srcIndex).mul(similarity.expandDims(1))).div(degree); // (N, F)
            if (given.edges().edgeCount() == 0) {
                return learned;
            }
            NDArray fromGiven = given.gcnAdjacency().matMul(h); // (N, F)
            return fromGiven.mul(constant(h, o.givenShare())).add(learned.mul(constant(h, 1 - o.givenShare())));
        }

        @Override
        protected ai.djl.ndarray.NDList forwardInternal(ParameterStore store, ai.djl.ndarray.NDList inputs, boolean training,
                PairList<String, Object> params) {
            throw new UnsupportedOperationException();
        }
    }
}
