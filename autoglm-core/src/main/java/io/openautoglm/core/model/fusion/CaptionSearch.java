package io.openautoglm.core.model.fusion;

import io.openautoglm.core.TopK;
import io.openautoglm.core.UserInputException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * Greedy decoding and beam search over a next-token model. A finished hypothesis (it produced the
 * end token) scores {@code sum of log-probabilities / length^lengthPenalty}, as Hugging Face's
 * {@code generate} does; search stops when {@code beamSize} hypotheses have finished or the
 * length limit is reached (the live beams then finish there). Beam size 1 is greedy decoding.
 */
public final class CaptionSearch {
    private final int bosId;
    private final int eosId;
    private final int vocabSize;
    private final List<Integer> banned;

    /**
     * @param banned token ids never generated (padding, start, unknown); negative ids are ignored
     */
    public CaptionSearch(int bosId, int eosId, int vocabSize, List<Integer> banned) {
        this.bosId = bosId;
        this.eosId = eosId;
        this.vocabSize = vocabSize;
        this.banned = banned.stream().filter(id -> id >= 0 && id != eosId).toList();
    }

    /**
     * @param beamSize 1 for greedy decoding
     * @param lengthPenalty exponent on the length that divides a finished hypothesis's log-probability
     *     (above 0 favours longer captions)
     * @param maxLength most tokens generated, the end token included
     */
    public record Options(int beamSize, double lengthPenalty, int maxLength) {
        public Options {
            if (beamSize < 1 || beamSize > 64) {
                throw new UserInputException("beam size must be between 1 and 64, got " + beamSize);
            }
            if (!Double.isFinite(lengthPenalty) || lengthPenalty < 0 || lengthPenalty > 10) {
                throw new UserInputException("length penalty must be between 0 and 10, got " + lengthPenalty);
            }
            if (maxLength < 1) {
                throw new UserInputException("max length must be at least 1, got " + maxLength);
            }
        }

        public static Options greedy() {
            return new Options(1, 1.0, 30);
        }

        public Options withMaxLength(int newMaxLength) {
            return new Options(beamSize, lengthPenalty, newMaxLength);
        }
    }

    private record Hypothesis(long[] tokens, double logProb) {}

    private record Finished(long[] tokens, double score) {}

    /**
     * @param nextLogProbs prefixes (K rows of equal length, start token first) -> log-probabilities
     *     of the next token, row-major (K, V)
     * @return the best caption's ids, start token first, end token last when it finished
     */
    public long[] run(Options options, Function<long[][], float[]> nextLogProbs) {
        int k = options.beamSize();
        List<Hypothesis> live = List.of(new Hypothesis(new long[] {bosId}, 0));
        List<Finished> finished = new ArrayList<>();
        // The start token does not count towards the limit, but the context has room for maxLength + 1 positions at most.
        for (int length = 1; length <= options.maxLength() && finished.size() < k; length++) {
            long[][] prefixes = live.stream().map(Hypothesis::tokens).toArray(long[][]::new);
            float[] logProbs = nextLogProbs.apply(prefixes); // (K, V)
            for (int i = 0; i < live.size(); i++) {
                for (int b : banned) {
                    logProbs[i * vocabSize + b] = Float.NEGATIVE_INFINITY;
                }
            }
            List<Hypothesis> candidates = topCandidates(live, logProbs, 2 * k);
            List<Hypothesis> next = new ArrayList<>();
            for (Hypothesis c : candidates) {
                long last = c.tokens()[c.tokens().length - 1];
                boolean ends = last == eosId || length == options.maxLength();
                if (ends) {
                    if (finished.size() < k) {
                        int generated = c.tokens().length - 1;
                        finished.add(new Finished(c.tokens(), c.logProb() / Math.pow(generated, options.lengthPenalty())));
                    }
                } else if (next.size() < k) {
                    next.add(c);
                }
            }
            if (next.isEmpty()) {
                break;
            }
            live = next;
        }
        return finished.stream().max(Comparator.comparingDouble(Finished::score)).map(Finished::tokens)
                .orElse(live.get(0).tokens());
    }

    /** The {@code n} best one-token extensions of the live hypotheses, best first. */
    private List<Hypothesis> topCandidates(List<Hypothesis> live, float[] logProbs, int n) {
        List<Hypothesis> all = new ArrayList<>();
        for (int i = 0; i < live.size(); i++) {
            Hypothesis h = live.get(i);
            // Only each row's n best tokens can be among the n best overall.
            int[] order = TopK.indices(logProbs, i * vocabSize, vocabSize, n);
            for (int r = 0; r < order.length; r++) {
                float lp = logProbs[i * vocabSize + order[r]];
                if (lp == Float.NEGATIVE_INFINITY) {
                    break;
                }
                long[] tokens = Arrays.copyOf(h.tokens(), h.tokens().length + 1);
                tokens[tokens.length - 1] = order[r];
                all.add(new Hypothesis(tokens, h.logProb() + lp));
            }
        }
        all.sort(Comparator.comparingDouble(Hypothesis::logProb).reversed());
        return all.subList(0, Math.min(n, all.size()));
    }
}
