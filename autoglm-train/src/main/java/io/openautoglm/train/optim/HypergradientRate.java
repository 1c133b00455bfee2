package io.openautoglm.train.optim;

/**
 * Hypergradient descent on the learning rate (Baydin et al. 2018, "Online Learning Rate
 * Adaptation with Hypergradient Descent"), Adam variant. The loss after an update
 * {@code theta - lr * u} has derivative {@code -g . u} in the rate, where g is the next gradient
 * and u the update direction (Adam's bias-corrected {@code m / (sqrt(v) + eps)}): when successive
 * gradient and update agree the rate grows, when they disagree (overshoot) it shrinks. Here the
 * rate is a multiplier on the warmup and cosine schedule, starting at 1:
 * {@code additive}: {@code scale += beta * g . u}; {@code multiplicative} (the paper's scale-free
 * form): {@code scale *= 1 + beta * cos(g, u)}. The multiplier stays in [1e-3, 1e3]; weight decay
 * is left out of u.
 */
public final class HypergradientRate {
    static final double MIN_SCALE = 1e-3;
    static final double MAX_SCALE = 1e3;

    private final double beta;
    private final boolean multiplicative;
    private double scale = 1;

    public HypergradientRate(double beta, String rule) {
        this.beta = beta;
        this.multiplicative = switch (rule) {
            case "multiplicative" -> true;
            case "additive" -> false;
            default -> throw new IllegalArgumentException("unknown hypergradient rule " + rule);
        };
    }

    /** The multiplier on the scheduled learning rate. */
    public double scale() {
        return scale;
    }

    /** Restores the multiplier saved with a checkpoint. */
    public void restore(double saved) {
        this.scale = saved;
    }

    /**
     * Moves the multiplier by the hypergradient of this step.
     *
     * @param products the new gradient's dot product with the previous update direction and both squared norms, from
     *     {@link AdamW#hypergradientProducts}; null at the first step (no previous update): no change
     * @return the new multiplier
     */
    public double update(double[] products) {
        if (products == null) {
            return scale;
        }
        double dot = products[0];
        if (multiplicative) {
            double norms = Math.sqrt(products[1] * products[2]);
            double cosine = norms > 0 ? dot / norms : 0;
            scale *= 1 + beta * cosine;
        } else {
            scale += beta * dot;
        }
        if (!Double.isFinite(scale)) {
            scale = 1; // a non-finite product (the step will be skipped anyway) must not poison the rate
        }
        scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
        return scale;
    }
}
