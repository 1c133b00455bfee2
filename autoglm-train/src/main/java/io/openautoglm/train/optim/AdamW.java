package io.openautoglm.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (decoupled weight decay) over named parameters, with its moments kept in our own manager
 * so they can be saved and restored exactly. Decay applies only to matrices that are not
 * embeddings: norms, biases, embeddings and the temperature are exempt.
 */
public final class AdamW implements AutoCloseable {
    private final NDManager manager;
    private final Map<String, Parameter> params; // trainable only, by checkpoint name
    private final Map<String, NDArray> firstMoment = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoment = new LinkedHashMap<>();
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long step;

    public AdamW(NDManager parent, Map<String, Parameter> trainable, double beta1, double beta2, double eps, double weightDecay) {
        this.manager = parent.newSubManager();
        this.params = trainable;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, Parameter> e : trainable.entrySet()) {
            NDArray p = e.getValue().getArray();
            firstMoment.put(e.getKey(), manager.zeros(p.getShape()));
            secondMoment.put(e.getKey(), manager.zeros(p.getShape()));
        }
    }

    /** Whether weight decay applies to this parameter. */
    public static boolean decays(String name, Parameter p) {
        return p.getType() == Parameter.Type.WEIGHT && p.getShape().dimension() >= 2
                && !name.contains("position_embedding") && !name.contains("token_embedding");
    }

    public long stepCount() {
        return step;
    }

    /**
     * Global L2 norm of all gradients. Call after backward and before {@link #step}.
     */
    public double gradientNorm(NDManager scope) {
        double sum = 0;
        for (Parameter p : params.values()) {
            NDArray g = gradient(p, scope);
            sum += g.square().sum().getFloat();
        }
        return Math.sqrt(sum);
    }

    /**
     * For {@link HypergradientRate}: the current gradients' dot product with the previous update
     * direction {@code m_hat / (sqrt(v_hat) + eps)} (the moments as the last step left them), the
     * gradients' squared norm and the direction's. Call after backward and before {@link #step}.
     *
     * @return {dot, |g|^2, |u|^2}, or null before the first update
     */
    public double[] hypergradientProducts(NDManager scope) {
        if (step == 0) {
            return null;
        }
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        double dot = 0;
        double gradients = 0;
        double directions = 0;
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray g = gradient(e.getValue(), scope);
            NDArray denom = scoped(scoped(secondMoment.get(e.getKey()).div((float) correction2), scope).sqrt(), scope).addi((float) eps);
            NDArray u = scoped(firstMoment.get(e.getKey()).div((float) correction1), scope).divi(denom); // same shape as the weight
            dot += scoped(scoped(g.mul(u), scope).sum(), scope).getFloat();
            gradients += scoped(scoped(g.square(), scope).sum(), scope).getFloat();
            directions += scoped(scoped(u.square(), scope).sum(), scope).getFloat();
        }
        return new double[] {dot, gradients, directions};
    }

    /**
     * One update: gradients scaled by {@code gradScale} (clipping and accumulation), moments,
     * bias correction, decoupled decay, then gradients zeroed for the next step.
     */
    public void step(double lr, double gradScale, NDManager scope) {
        step++;
        double correction1 = 1 - Math.pow(beta1, step);
        double correction2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            Parameter param = e.getValue();
            NDArray p = param.getArray();
            NDArray g = gradient(param, scope);
            NDArray m = firstMoment.get(e.getKey());
            NDArray v = secondMoment.get(e.getKey());
            NDArray scaled = scoped(g.mul((float) gradScale), scope);
            m.muli((float) beta1).addi(scoped(scaled.mul((float) (1 - beta1)), scope));
            v.muli((float) beta2).addi(scoped(scaled.square(), scope).muli((float) (1 - beta2)));
            NDArray denom = scoped(scoped(v.div((float) correction2), scope).sqrt(), scope).addi((float) eps);
            NDArray update = scoped(m.div((float) correction1), scope).divi(denom).muli((float) lr);
            if (weightDecay > 0 && decays(e.getKey(), param)) {
                p.muli((float) (1 - lr * weightDecay));
            }
            p.subi(update);
            clear(g); // PyTorch accumulates into .grad: clear it for the next step
        }
    }

    /** Drops the accumulated gradients without updating (a skipped step). */
    public void zeroGradients(NDManager scope) {
        for (Parameter p : params.values()) {
            clear(gradient(p, scope));
        }
    }

    /**
     * Writes zeros in place. Not {@code g * 0} or {@code g - g} (NaN stays NaN), and not
     * {@code g.set(float[])}: DJL makes the tensor use a direct buffer owned by this handle, which
     * would be freed under the parameter's gradient once the handle is gone.
     */
    static void clear(NDArray g) {
        g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
    }

    /** Names of the parameters whose gradient holds an inf or NaN, for the divergence report. */
    public java.util.List<String> nonFiniteGradients(NDManager scope) {
        java.util.List<String> bad = new java.util.ArrayList<>();
        params.forEach((name, p) -> {
            float s = gradient(p, scope).abs().sum().getFloat();
            if (!Float.isFinite(s)) {
                bad.add(name);
            }
        });
        return bad;
    }

    private static NDArray gradient(Parameter p, NDManager scope) {
        return scoped(p.getArray().getGradient(), scope);
    }

    /** Moves a temporary into the step's scope so it is freed when the step ends. */
    private static NDArray scoped(NDArray x, NDManager scope) {
        x.attach(scope);
        return x;
    }

    public void save(Path file) throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            NDArray m = firstMoment.get(name);
            tensors.put(name + ".exp_avg", new SafetensorsWriter.Tensor(m.getShape().getShape(), m.toFloatArray()));
            NDArray v = secondMoment.get(name);
            tensors.put(name + ".exp_avg_sq", new SafetensorsWriter.Tensor(v.getShape().getShape(), v.toFloatArray()));
        }
        SafetensorsWriter.write(file, tensors, Map.of("step", Long.toString(step), "optimizer", "adamw"));
    }

    public void load(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            for (String name : params.keySet()) {
                firstMoment.get(name).set(reader.readFloats(name + ".exp_avg"));
                secondMoment.get(name).set(reader.readFloats(name + ".exp_avg_sq"));
            }
            step = Long.parseLong(reader.metadata().getOrDefault("step", "0"));
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
