package io.openautoglm.graph.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.graph.eval.BinaryMetrics;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.nn.GraphModel;
import io.openautoglm.graph.nn.GraphModelConfig;
import io.openautoglm.graph.nn.GraphTensors;
import io.openautoglm.train.optim.AdamW;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a {@link GraphModel} on labelled nodes with AdamW and a (class-weighted) cross-entropy,
 * full batch or with neighbour sampling, keeps the weights of the epoch that did best on the
 * validation nodes (average precision for two classes, accuracy otherwise), and stops at the end
 * of an epoch when its {@link StopSignal} is raised, keeping the best weights so far.
 */
public final class GraphTrainer {
    /** What happened: per epoch loss and validation score, the epoch kept, and whether a signal cut it short. */
    public record Outcome(TrainedGraphModel trained, List<Double> losses, List<Double> validation, int bestEpoch,
            double bestValidation, String stoppedBy) {}

    /** Epochs between validations (and chances to keep the weights). */
    static final int VALIDATE_EVERY = 5;

    private final TrainOptions options;
    private final StopSignal stop;
    private final Consumer<String> log;

    public GraphTrainer(TrainOptions options, StopSignal stop, Consumer<String> log) {
        this.options = options;
        this.stop = stop;
        this.log = log;
    }

    /**
     * @param x     node inputs (N, D) row-major
     * @param label each node's class, -1 when unlabelled
     */
    public Outcome train(GraphModelConfig config, float[] x, EdgeList edges, int[] label, int[] trainNodes, int[] valNodes) {
        TorchRuntime.seed(options.seed());
        NDManager manager = TorchRuntime.engine().newBaseManager();
        try {
            GraphModel model = new GraphModel(config).initialized(manager);
            TrainedGraphModel trained = new TrainedGraphModel(manager, model);
            Map<String, Parameter> params = model.namedParameters();
            float[] classWeight = classWeights(label, trainNodes, config.classes());
            List<Double> losses = new ArrayList<>();
            List<Double> validation = new ArrayList<>();
            Map<String, float[]> best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            int bestEpoch = 0;
            String stoppedBy = null;
            Random random = new Random(options.seed());
            NeighbourSampler sampler = options.batchSize() > 0 ? new NeighbourSampler(edges) : null;
            int width = x.length / edges.nodeCount();
            try (AdamW optimizer = new AdamW(manager, params, 0.9, 0.999, 1e-8, options.weightDecay())) {
                for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                    double loss = sampler == null
                            ? step(model, optimizer, manager, x, width, edges, label, trainNodes, classWeight)
                            : sampledEpoch(model, optimizer, manager, sampler, x, width, label, trainNodes, classWeight, random);
                    losses.add(loss);
                    boolean stopping = stop.requested();
                    // Validation is a second full forward pass: every few epochs is enough to pick the best.
                    if (epoch % VALIDATE_EVERY == 0 || epoch == 1 || epoch == options.epochs() || stopping) {
                        double score = valNodes.length == 0 ? -loss
                                : validationScore(trained, x, edges, label, valNodes, config.classes());
                        validation.add(score);
                        if (best == null || score > bestScore) {
                            bestScore = score;
                            bestEpoch = epoch;
                            best = snapshot(params);
                        }
                        if (epoch == 1 || epoch % 20 == 0 || epoch == options.epochs() || stopping) {
                            log.accept(String.format(java.util.Locale.ROOT, "epoch %d loss %.4f val %.4f", epoch, loss, score));
                        }
                    }
                    if (stopping || stop.requested()) {
                        stoppedBy = stop.reason();
                        break;
                    }
                }
            }
            restore(params, best);
            return new Outcome(trained, losses, validation, bestEpoch, bestScore, stoppedBy);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private double sampledEpoch(GraphModel model, AdamW optimizer, NDManager manager, NeighbourSampler sampler, float[] x,
            int width, int[] label, int[] trainNodes, float[] classWeight, Random random) {
        int[] order = trainNodes.clone();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        double total = 0;
        int batches = 0;
        for (int start = 0; start < order.length; start += options.batchSize()) {
            int[] seeds = Arrays.copyOfRange(order, start, Math.min(order.length, start + options.batchSize()));
            NeighbourSampler.Sample sample = sampler.sample(seeds, options.fanout(), random);
            int[] global = sample.globalNodes();
            float[] sub = new float[global.length * width];
            int[] subLabel = new int[global.length];
            Arrays.fill(subLabel, -1);
            for (int i = 0; i < global.length; i++) {
                System.arraycopy(x, global[i] * width, sub, i * width, width);
            }
            int[] localSeeds = new int[sample.seedCount()];
            for (int i = 0; i < localSeeds.length; i++) {
                localSeeds[i] = i;
                subLabel[i] = label[global[i]];
            }
            total += step(model, optimizer, manager, sub, width, sample.edges(), subLabel, localSeeds, classWeight);
            batches++;
        }
        return total / Math.max(1, batches);
    }

    /** One optimizer step on the loss of {@code nodes}; returns that loss. */
    private double step(GraphModel model, AdamW optimizer, NDManager manager, float[] x, int width, EdgeList edges,
            int[] label, int[] nodes, float[] classWeight) {
        int classes = model.config().classes();
        try (NDManager scope = manager.newSubManager()) {
            float loss;
            try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                ParameterStore store = new ParameterStore(scope, false);
                NDArray input = scope.create(x, new Shape(edges.nodeCount(), width)); // (N, D)
                NDArray logits = model.logits(store, input, new GraphTensors(scope, edges), true); // (N, C)
                NDArray picked = GraphTensors.gather(logits, scope.create(Arrays.stream(nodes).asLongStream().toArray())); // (B, C)
                float[] oneHot = new float[nodes.length * classes];
                float[] weight = new float[nodes.length];
                double weightSum = 0;
                for (int i = 0; i < nodes.length; i++) {
                    int c = label[nodes[i]];
                    oneHot[i * classes + c] = 1f;
                    weight[i] = classWeight[c];
                    weightSum += weight[i];
                }
                NDArray target = scope.create(oneHot, new Shape(nodes.length, classes)); // (B, C)
                NDArray w = scope.create(weight, new Shape(nodes.length)); // (B)
                NDArray perNode = picked.logSoftmax(1).mul(target).sum(new int[] {1}); // (B) log p(label)
                NDArray objective = perNode.mul(w).sum().div(scope.create((float) -weightSum)); // () weighted mean NLL
                gc.backward(objective);
                loss = objective.getFloat();
            }
            TorchRuntime.stopRecordingGradients();
            optimizer.step(options.learningRate(), 1.0, scope);
            return loss;
        }
    }

    /** Average precision (two classes) or accuracy (more) of the validation nodes. */
    static double validationScore(TrainedGraphModel trained, float[] x, EdgeList edges, int[] label, int[] nodes, int classes) {
        float[][] p = trained.probabilities(x, edges);
        if (classes == 2) {
            float[] score = new float[nodes.length];
            boolean[] positive = new boolean[nodes.length];
            for (int i = 0; i < nodes.length; i++) {
                score[i] = p[nodes[i]][1];
                positive[i] = label[nodes[i]] == 1;
            }
            double ap = BinaryMetrics.averagePrecision(score, positive);
            return Double.isNaN(ap) ? 0 : ap;
        }
        int correct = 0;
        for (int node : nodes) {
            correct += argmax(p[node]) == label[node] ? 1 : 0;
        }
        return (double) correct / nodes.length;
    }

    public static int argmax(float[] row) {
        int best = 0;
        for (int c = 1; c < row.length; c++) {
            if (row[c] > row[best]) {
                best = c;
            }
        }
        return best;
    }

    private float[] classWeights(int[] label, int[] nodes, int classes) {
        float[] w = new float[classes];
        Arrays.fill(w, 1f);
        if (!options.balanced()) {
            return w;
        }
        int[] count = new int[classes];
        for (int node : nodes) {
            count[label[node]]++;
        }
        for (int c = 0; c < classes; c++) {
            w[c] = count[c] == 0 ? 0f : (float) nodes.length / (classes * count[c]);
        }
        return w;
    }

    private static Map<String, float[]> snapshot(Map<String, Parameter> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((name, p) -> out.put(name, p.getArray().toFloatArray()));
        return out;
    }

    private static void restore(Map<String, Parameter> params, Map<String, float[]> values) {
        if (values == null) {
            return;
        }
        TorchRuntime.stopRecordingGradients(); // an in-place write to a leaf that requires grad must not be recorded
        params.forEach((name, p) -> {
            NDArray array = p.getArray();
            try (NDManager scope = array.getManager().newSubManager()) {
                array.set(new ai.djl.ndarray.index.NDIndex("..."), scope.create(values.get(name), array.getShape()));
            }
        });
    }
}
