package io.openautoglm.graph.recsys;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.nn.ParamBlock;
import io.openautoglm.graph.eval.BinaryMetrics;
import io.openautoglm.train.optim.AdamW;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Trains a {@link RecsysModel} on the {@code train} impressions with AdamW and the summed binary
 * cross-entropies of the click and like heads (multi-task), validates every epoch on {@code val}
 * (click AUROC), keeps the best epoch's weights and stops after the epoch in flight on a signal.
 */
public final class RecsysTrainer {
    public record Options(@JsonProperty("epochs") int epochs, @JsonProperty("learning_rate") double learningRate,
            @JsonProperty("weight_decay") double weightDecay, @JsonProperty("batch_size") int batchSize,
            @JsonProperty("seed") long seed) {
        public Options {
            if (epochs < 1) {
                throw new UserInputException("--epochs must be >= 1, got " + epochs);
            }
            if (!(learningRate > 0)) {
                throw new UserInputException("--learning-rate must be > 0, got " + learningRate);
            }
            if (batchSize < 1) {
                throw new UserInputException("--batch-size must be >= 1, got " + batchSize);
            }
        }

        public static Options defaults(long seed) {
            return new Options(15, 0.005, 1e-4, 256, seed);
        }

        public Options withEpochs(int n) {
            return new Options(n, learningRate, weightDecay, batchSize, seed);
        }
    }

    public record Outcome(TrainedRanker ranker, List<Double> losses, List<Double> validation, int bestEpoch, String stoppedBy) {}

    private final Options options;
    private final StopSignal stop;
    private final Consumer<String> log;

    public RecsysTrainer(Options options, StopSignal stop, Consumer<String> log) {
        this.options = options;
        this.stop = stop;
        this.log = log;
    }

    public Outcome train(RecsysConfig config, RecsysData data) {
        List<RecsysData.Event> train = data.split("train");
        if (train.isEmpty()) {
            throw new UserInputException("no impression has split 'train'");
        }
        List<RecsysData.Event> val = data.split("val");
        TorchRuntime.seed(options.seed());
        NDManager manager = TorchRuntime.engine().newBaseManager();
        try {
            RecsysModel model = new RecsysModel(config).initialized(manager);
            TrainedRanker ranker = new TrainedRanker(manager, model, data);
            RankerInputs inputs = data.inputs();
            Map<String, Parameter> params = model.namedParameters();
            List<Double> losses = new ArrayList<>();
            List<Double> validation = new ArrayList<>();
            Map<String, float[]> best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            int bestEpoch = 0;
            String stoppedBy = null;
            Random random = new Random(options.seed());
            int[] order = new int[train.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            try (AdamW optimizer = new AdamW(manager, params, 0.9, 0.999, 1e-8, options.weightDecay())) {
                for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                    shuffle(order, random);
                    double total = 0;
                    int batches = 0;
                    for (int start = 0; start < order.length; start += options.batchSize()) {
                        int n = Math.min(options.batchSize(), order.length - start);
                        total += step(model, optimizer, manager, data, inputs, train, order, start, n);
                        batches++;
                    }
                    losses.add(total / batches);
                    double score = val.isEmpty() ? -losses.get(losses.size() - 1) : clickAuroc(ranker, val);
                    validation.add(score);
                    if (score > bestScore) {
                        bestScore = score;
                        bestEpoch = epoch;
                        best = snapshot(params);
                    }
                    log.accept(String.format(java.util.Locale.ROOT, "epoch %d loss %.4f val click auroc %.4f", epoch,
                            total / batches, score));
                    if (stop.requested()) {
                        stoppedBy = stop.reason();
                        break;
                    }
                }
            }
            restore(params, best);
            return new Outcome(ranker, losses, validation, bestEpoch, stoppedBy);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** One AdamW step on BCE(click) + BCE(like), each the mean over the batch; returns the loss. */
    private double step(RecsysModel model, AdamW optimizer, NDManager manager, RecsysData data, RankerInputs inputs,
            List<RecsysData.Event> train, int[] order, int start, int n) {
        int[] users = new int[n];
        int[] items = new int[n];
        float[] target = new float[2 * n];
        for (int k = 0; k < n; k++) {
            RecsysData.Event e = train.get(order[start + k]);
            users[k] = e.user();
            items[k] = e.item();
            target[2 * k] = e.click() ? 1f : 0f;
            target[2 * k + 1] = e.like() ? 1f : 0f;
        }
        try (NDManager scope = manager.newSubManager()) {
            float loss;
            try (GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                TrainedRanker.Batch b = TrainedRanker.Batch.of(scope, data, inputs, users, items, 0, n);
                NDArray z = model.logits(new ParameterStore(scope, false), b.users(), b.history(), b.items(), b.popularity(),
                        true); // (n, 2)
                NDArray y = scope.create(target, new Shape(n, 2)); // (n, 2)
                NDArray objective = binaryCrossEntropy(z, y).sum(new int[] {1}).mean(); // () click + like
                gc.backward(objective);
                loss = objective.getFloat();
            }
            TorchRuntime.stopRecordingGradients();
            optimizer.step(options.learningRate(), 1.0, scope);
            return loss;
        }
    }

    /** Elementwise BCE with logits, stable for large |z|: relu(z) - y z + log(1 + exp(-|z|)). */
    static NDArray binaryCrossEntropy(NDArray z, NDArray y) {
        NDArray softplus = z.maximum(ParamBlock.constant(z, 0f))
                .add(z.abs().neg().exp().add(ParamBlock.constant(z, 1f)).log()); // (n, 2)
        return softplus.sub(y.mul(z)); // (n, 2)
    }

    static double clickAuroc(PairScorer scorer, List<RecsysData.Event> events) {
        int[] users = events.stream().mapToInt(RecsysData.Event::user).toArray();
        int[] items = events.stream().mapToInt(RecsysData.Event::item).toArray();
        float[][] s = scorer.score(users, items);
        float[] score = new float[s.length];
        boolean[] positive = new boolean[s.length];
        for (int k = 0; k < s.length; k++) {
            score[k] = s[k][0];
            positive[k] = events.get(k).click();
        }
        double a = BinaryMetrics.auroc(score, positive);
        return Double.isNaN(a) ? 0.5 : a;
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    private static Map<String, float[]> snapshot(Map<String, Parameter> params) {
        Map<String, float[]> out = new LinkedHashMap<>();
        params.forEach((name, p) -> out.put(name, p.getArray().toFloatArray()));
        return out;
    }

    static void restore(Map<String, Parameter> params, Map<String, float[]> values) {
        if (values == null) {
            return;
        }
        TorchRuntime.stopRecordingGradients();
        params.forEach((name, p) -> {
            NDArray array = p.getArray();
            try (NDManager scope = array.getManager().newSubManager()) {
                array.set(new NDIndex("..."), scope.create(values.get(name), array.getShape()));
            }
        });
    }
}
