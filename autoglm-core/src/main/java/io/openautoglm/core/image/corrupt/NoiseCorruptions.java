package io.openautoglm.core.image.corrupt;

import java.util.SplittableRandom;

/** ImageNet-C's additive Gaussian noise and Poisson (shot) noise. */
final class NoiseCorruptions {
    /** Above this rate a Poisson count is drawn from its normal approximation (error far below one grey level). */
    private static final double POISSON_NORMAL_ABOVE = 30.0;

    private NoiseCorruptions() {}

    /** {@code x + N(0, sigma^2)} per sample, clipped. */
    static FloatPicture gaussian(FloatPicture p, double sigma, SplittableRandom random) {
        float[] out = new float[p.rgb.length]; // (H, W, 3)
        for (int i = 0; i < out.length; i++) {
            out[i] = FloatPicture.clip01((float) (p.rgb[i] + sigma * random.nextGaussian()));
        }
        return p.with(out);
    }

    /** {@code Poisson(x * rate) / rate} per sample: photon noise, fewer photons (a lower rate) meaning more noise. */
    static FloatPicture shot(FloatPicture p, double rate, SplittableRandom random) {
        float[] out = new float[p.rgb.length]; // (H, W, 3)
        for (int i = 0; i < out.length; i++) {
            out[i] = FloatPicture.clip01((float) (poisson(p.rgb[i] * rate, random) / rate));
        }
        return p.with(out);
    }

    static long poisson(double lambda, SplittableRandom random) {
        if (lambda <= 0) {
            return 0;
        }
        if (lambda > POISSON_NORMAL_ABOVE) {
            return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * random.nextGaussian()));
        }
        // Knuth: count uniform draws until their product falls below e^-lambda.
        double limit = Math.exp(-lambda);
        double product = random.nextDouble();
        long k = 0;
        while (product > limit) {
            product *= random.nextDouble();
            k++;
        }
        return k;
    }
}
