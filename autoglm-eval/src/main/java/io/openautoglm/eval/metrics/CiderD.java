package io.openautoglm.eval.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIDEr-D as the COCO caption toolkit computes it (its "CIDEr"): TF-IDF vectors of 1- to 4-grams,
 * document frequencies counted over the references of the scored images (an n-gram counts once per
 * image), IDF = log(number of images) - log(max(1, df)); per n, the candidate's vector is clipped
 * to the reference's, the cosine is damped by a Gaussian in the length difference (sigma 6); the
 * four n are averaged, references averaged, times 10; the corpus score is the mean over images.
 *
 * <p>Kept as the toolkit has it: the "length" in the Gaussian is the number of bigrams (words - 1
 * for non-empty captions), and a cosine whose norm is zero is left unnormalized (it is zero).
 */
public final class CiderD {
    public static final int MAX_N = 4;
    public static final double SIGMA = 6.0;

    private CiderD() {}

    public static double corpus(List<ScoredImage> images) {
        double[] scores = perImage(images);
        return NumpyMean.mean(scores);
    }

    /** CIDEr-D of each image, in order. */
    static double[] perImage(List<ScoredImage> images) {
        Map<String, Integer> documentFrequency = new HashMap<>();
        List<List<Map<String, Integer>>> referenceCounts = new ArrayList<>();
        for (ScoredImage image : images) {
            List<Map<String, Integer>> counts = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (List<String> reference : image.references()) {
                Map<String, Integer> c = NGrams.count(reference, MAX_N);
                counts.add(c);
                seen.addAll(c.keySet());
            }
            seen.forEach(g -> documentFrequency.merge(g, 1, Integer::sum));
            referenceCounts.add(counts);
        }
        double logImages = Math.log(images.size());
        double[] scores = new double[images.size()];
        for (int i = 0; i < scores.length; i++) {
            Vector candidate = Vector.of(NGrams.count(images.get(i).candidate(), MAX_N), documentFrequency, logImages);
            double[] sum = new double[MAX_N];
            for (Map<String, Integer> counts : referenceCounts.get(i)) {
                double[] s = similarity(candidate, Vector.of(counts, documentFrequency, logImages));
                for (int n = 0; n < MAX_N; n++) {
                    sum[n] += s[n];
                }
            }
            double mean = (((sum[0] + sum[1]) + sum[2]) + sum[3]) / MAX_N;
            scores[i] = mean / referenceCounts.get(i).size() * 10.0;
        }
        return scores;
    }

    /** Clipped, length-penalized cosine per n-gram order. */
    private static double[] similarity(Vector hyp, Vector ref) {
        double delta = hyp.length - ref.length;
        double[] val = new double[MAX_N];
        for (int n = 0; n < MAX_N; n++) {
            for (Map.Entry<String, Double> e : hyp.weights.get(n).entrySet()) {
                double r = ref.weights.get(n).getOrDefault(e.getKey(), 0.0);
                val[n] += Math.min(e.getValue(), r) * r;
            }
            if (hyp.norm[n] != 0 && ref.norm[n] != 0) {
                val[n] /= hyp.norm[n] * ref.norm[n];
            }
            // The toolkit writes e ** x, not exp(x); pow keeps the last bit the same.
            val[n] *= Math.pow(Math.E, -(delta * delta) / (2 * SIGMA * SIGMA));
        }
        return val;
    }

    /** TF-IDF weights per n-gram order, their norms, and the caption's bigram count. */
    private record Vector(List<Map<String, Double>> weights, double[] norm, int length) {
        static Vector of(Map<String, Integer> counts, Map<String, Integer> documentFrequency, double logImages) {
            List<Map<String, Double>> weights = new ArrayList<>();
            for (int n = 0; n < MAX_N; n++) {
                weights.add(new java.util.LinkedHashMap<>());
            }
            double[] squares = new double[MAX_N];
            int length = 0;
            for (Map.Entry<String, Integer> e : counts.entrySet()) {
                int n = NGrams.order(e.getKey()) - 1;
                double df = Math.log(Math.max(1.0, documentFrequency.getOrDefault(e.getKey(), 0)));
                double w = e.getValue() * (logImages - df);
                weights.get(n).put(e.getKey(), w);
                squares[n] += w * w;
                if (n == 1) {
                    length += e.getValue();
                }
            }
            double[] norm = new double[MAX_N];
            for (int n = 0; n < MAX_N; n++) {
                norm[n] = Math.sqrt(squares[n]);
            }
            return new Vector(weights, norm, length);
        }
    }
}
