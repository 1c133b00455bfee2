package io.openautoglm.train.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.nn.ParamBlock;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.data.Batch;
import io.openautoglm.train.optim.AdamW;
import io.openautoglm.train.optim.HypergradientRate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongFunction;

/**
 * One optimizer step exactly as {@link Trainer} takes it: for each of {@code grad_accum}
 * micro-batches the forward of every objective the loss weights turn on and its backward, then the
 * global gradient norm, clipping, the AdamW update and the clamp of the learned temperature at
 * ln(100). A step whose loss or gradient norm is not finite changes nothing (the gradients are
 * zeroed and {@link Result#skipped()} says so). The step's native memory lives in a sub-manager of
 * the model's that is closed before {@link #run} returns.
 *
 * <p>Used without a Trainer's loop (a benchmark, a custom schedule):
 *
 * <pre>{@code
 * model.setTrainable(name -> true);
 * try (AdamW optimizer = new AdamW(model.manager(), TrainStep.trainableParameters(model), 0.9, 0.98, 1e-6, 0.1)) {
 *     TrainConfig.Loss contrastiveOnly = new TrainConfig.Loss(1, 0, 0, 0, 0);
 *     TrainStep step = new TrainStep(model, optimizer, contrastiveOnly, 1, 1.0, 0);
 *     for (long s = 0; s < steps; s++) {
 *         TrainStep.Result r = step.run(s, 5e-4, position -> batch); // a Batch from BatchLoader, or built by hand
 *     }
 * }
 * }</pre>
 *
 * The batch function is asked for positions {@code step * gradAccum + micro}, the order a
 * {@link io.openautoglm.train.data.BatchLoader} serves; a hand-built {@link Batch} needs only the
 * pixels, token ids and the two positive matrices for the contrastive loss ({@code fusion} and
 * {@code tagTargets} null).
 */
public final class TrainStep {
    /** CLIP clamps the learned log temperature at ln(100). */
    public static final float MAX_LOGIT_SCALE = (float) Math.log(100);

    private final MultimodalModel model;
    private final AdamW optimizer;
    private final TrainConfig.Loss weights;
    private final int gradAccum;
    private final double gradClip;
    private final long seed;
    private AlignmentObjectives alignment = AlignmentObjectives.none();
    private HypergradientRate hypergradient;
    private long totalSteps = 1;

    /**
     * @param weights which objectives train and how much each counts
     * @param gradAccum micro-batches per optimizer step (at least 1)
     * @param gradClip the global gradient norm is scaled down to this; 0 turns clipping off
     * @param seed seeds the per-position randomness of the objectives (matching negatives), as {@code seed} of a config
     */
    public TrainStep(MultimodalModel model, AdamW optimizer, TrainConfig.Loss weights, int gradAccum, double gradClip, long seed) {
        if (gradAccum < 1) {
            throw new IllegalArgumentException("gradAccum must be at least 1, got " + gradAccum);
        }
        this.model = model;
        this.optimizer = optimizer;
        this.weights = weights;
        this.gradAccum = gradAccum;
        this.gradClip = gradClip;
        this.seed = seed;
    }

    /** The step a training config describes (its loss weights, accumulation, clipping and seed). */
    public TrainStep(MultimodalModel model, AdamW optimizer, TrainConfig config) {
        this(model, optimizer, config.loss(), config.optim().gradAccum(), config.optim().gradClip(), config.seed());
        this.totalSteps = config.optim().steps();
        TrainConfig.Hypergradient h = config.optim().hypergradient();
        this.hypergradient = h == null ? null : new HypergradientRate(h.beta(), h.rule());
    }

    /** The step of a config with the run's momentum encoder, queue and teacher. */
    TrainStep(MultimodalModel model, AdamW optimizer, TrainConfig config, AlignmentObjectives alignment) {
        this(model, optimizer, config);
        this.alignment = alignment;
    }

    AdamW optimizer() {
        return optimizer;
    }

    /** The learning-rate multiplier of {@code optim.hypergradient}, or null when the rate follows the schedule alone. */
    public HypergradientRate hypergradient() {
        return hypergradient;
    }

    /** Where step {@code step} (0-based) is in the run, from 0 at the first to 1 at the last. */
    double progress(long step) {
        return totalSteps <= 1 ? 1.0 : Math.min(1.0, (double) step / (totalSteps - 1));
    }

    /**
     * What one step did.
     *
     * @param loss the total loss, averaged over the micro-batches
     * @param parts each objective's unweighted loss, averaged over the micro-batches
     * @param gradNorm the global gradient norm before clipping
     * @param logitScale the learned log temperature after the update (and clamp)
     * @param skipped the loss or norm was not finite, so the update was dropped
     * @param nonFinite names of the parameters whose gradients were not finite (only when skipped)
     * @param phases wall-clock seconds of each part of the step
     * @param lr the learning rate the update used (the scheduled one, times the hypergradient multiplier if any)
     */
    public record Result(double loss, Map<String, Double> parts, double gradNorm, double logitScale, boolean skipped,
            List<String> nonFinite, Phases phases, double lr) {}

    /**
     * Seconds spent in forward and loss, backward (and freeing the graph), the gradient norm, and
     * the optimizer update with the clamp. CPU kernels are synchronous, so wall clock between the
     * phases is the phases' time.
     */
    public record Phases(double forwardLoss, double backward, double gradNorm, double update) {}

    /** The parameters that require gradients, by checkpoint name, in the model's order: what AdamW updates. */
    public static Map<String, Parameter> trainableParameters(MultimodalModel model) {
        Map<String, Parameter> trainable = new LinkedHashMap<>();
        model.network().namedParameters().forEach((name, p) -> {
            if (p.requiresGradient()) {
                trainable.put(name, p);
            }
        });
        return trainable;
    }

    /**
     * Takes optimizer step {@code step} (0-based) at learning rate {@code lr}.
     *
     * @param batches the batch at each position {@code step * gradAccum + micro}
     */
    public Result run(long step, double lr, LongFunction<Batch> batches) {
        ClipModel net = model.network();
        double loss = 0;
        Map<String, Double> parts = new LinkedHashMap<>();
        long forwardNanos = 0;
        long backwardNanos = 0;
        try (NDManager scope = model.manager().newSubManager()) {
            for (int micro = 0; micro < gradAccum; micro++) {
                long position = step * gradAccum + micro;
                Batch batch = batches.apply(position);
                long t0 = System.nanoTime();
                long t1;
                try (NDManager micros = scope.newSubManager(); GradientCollector gc = TorchRuntime.engine().newGradientCollector()) {
                    ParameterStore store = new ParameterStore(micros, false);
                    MultiTaskLoss.Result result = MultiTaskLoss.compute(net, store, micros, batch, weights,
                            new SplittableRandom(seed * 0x9E3779B97F4A7C15L + position), alignment, progress(step));
                    NDArray value = result.total(); // ()
                    loss += value.getFloat() / gradAccum;
                    result.parts().forEach((k, v) -> parts.merge(k, v / gradAccum, Double::sum));
                    t1 = System.nanoTime();
                    gc.backward(gradAccum > 1 ? value.mul(ParamBlock.constant(value, 1f / gradAccum)) : value); // ()
                }
                // Closing the collector and the micro-batch scope frees the graph: counted with backward.
                long t2 = System.nanoTime();
                forwardNanos += t1 - t0;
                backwardNanos += t2 - t1;
            }
            TorchRuntime.stopRecordingGradients();
            long n0 = System.nanoTime();
            double norm = optimizer.gradientNorm(scope);
            long n1 = System.nanoTime();
            NDArray logitScale = net.namedParameters().get("logit_scale").getArray(); // (1)
            if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
                List<String> bad = optimizer.nonFiniteGradients(scope);
                optimizer.zeroGradients(scope);
                return new Result(loss, Collections.unmodifiableMap(parts), norm, logitScale.getFloat(), true, bad,
                        new Phases(sec(forwardNanos), sec(backwardNanos), sec(n1 - n0), sec(System.nanoTime() - n1)), lr);
            }
            double scale = gradClip > 0 && norm > gradClip ? gradClip / norm : 1.0;
            double rate = lr;
            if (hypergradient != null) {
                rate = lr * hypergradient.update(optimizer.hypergradientProducts(scope));
            }
            optimizer.step(rate, scale, scope);
            alignment.afterUpdate(scope);
            float current = logitScale.getFloat();
            if (current > MAX_LOGIT_SCALE) {
                logitScale.set(new float[] {MAX_LOGIT_SCALE});
                current = MAX_LOGIT_SCALE;
            }
            long u1 = System.nanoTime();
            return new Result(loss, Collections.unmodifiableMap(parts), norm, current, false, List.of(),
                    new Phases(sec(forwardNanos), sec(backwardNanos), sec(n1 - n0), sec(u1 - n1)), rate);
        }
    }

    private static double sec(long nanos) {
        return nanos / 1e9;
    }
}
