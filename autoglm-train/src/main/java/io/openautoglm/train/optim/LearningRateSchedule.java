package io.openautoglm.train.optim;

/** Linear warmup to the peak, then cosine decay to {@code peak * minRatio} at the last step. */
public record LearningRateSchedule(double peak, int warmupSteps, int totalSteps, double minRatio) {

    /** Learning rate for a 0-based step. */
    public double at(long step) {
        if (warmupSteps > 0 && step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        long decaySteps = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
        return peak * (minRatio + (1 - minRatio) * cosine);
    }
}
