package io.openautoglm.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The timing protocol the throughput benchmarks share with their Python peers: {@code warmup}
 * untimed calls, then up to {@code reps} timed repetitions, each running whole calls for at least
 * {@code minRepSeconds}; after {@code maxPointSeconds} a point stops at three repetitions. A
 * point's figure is the median of its repetitions' rates.
 */
record Repetitions(int warmup, int reps, double minRepSeconds, double maxPointSeconds) {
    /** The options {@link #from} reads. */
    static final Set<String> OPTIONS = Set.of("--warmup", "--reps", "--min-rep-seconds", "--max-point-seconds");
    /** Below three repetitions a slow point stops only when {@code reps} is reached. */
    private static final int MIN_REPS_WHEN_SLOW = 3;

    Repetitions {
        BenchArgs.atLeast("--warmup", warmup, 0);
        BenchArgs.atLeast("--reps", reps, 1);
        BenchArgs.atLeast("--min-rep-seconds", minRepSeconds, 0);
        BenchArgs.atLeast("--max-point-seconds", maxPointSeconds, 0);
    }

    /** The protocol on the command line, each option defaulting to {@code defaults}'. */
    static Repetitions from(BenchArgs a, Repetitions defaults) {
        return new Repetitions(a.integer("--warmup", defaults.warmup()), a.integer("--reps", defaults.reps()),
                a.decimal("--min-rep-seconds", defaults.minRepSeconds()), a.decimal("--max-point-seconds", defaults.maxPointSeconds()));
    }

    /** One call of the measured work; {@code timed} is false during warm-up. */
    @FunctionalInterface
    interface Call {
        void run(boolean timed);
    }

    /** Warm-up, then the repetitions; items per second of each, {@code items} being what one call handles. */
    Rates measure(int items, Call call) {
        long start = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            call.run(false);
        }
        List<Double> rates = new ArrayList<>();
        while (rates.size() < reps) {
            long r0 = System.nanoTime();
            int n = 0;
            long now;
            do {
                call.run(true);
                n++;
                now = System.nanoTime();
            } while (seconds(now - r0) < minRepSeconds);
            rates.add(n * items / seconds(now - r0));
            if (rates.size() >= MIN_REPS_WHEN_SLOW && seconds(now - start) > maxPointSeconds) {
                break; // time-bounded: at least three repetitions, fewer than asked when slow
            }
        }
        return new Rates(rates.stream().mapToDouble(Double::doubleValue).sorted().toArray());
    }

    /** The protocol as the result files record it; {@code warmupKey} names what a warm-up call is ({@code warmup_steps}). */
    void describe(ObjectNode protocol, String warmupKey) {
        protocol.put(warmupKey, warmup);
        protocol.put("repetitions", reps);
        protocol.put("min_rep_seconds", minRepSeconds);
        protocol.put("max_point_seconds", maxPointSeconds);
        protocol.put("statistic", "median of repetitions");
    }

    /** Each repetition's rate, ascending. */
    record Rates(double[] sorted) {
        Rates {
            if (sorted.length == 0) {
                throw new IllegalArgumentException("no repetitions");
            }
            sorted = sorted.clone();
            Arrays.sort(sorted);
        }

        double median() {
            return Repetitions.median(sorted);
        }

        double min() {
            return sorted[0];
        }

        double max() {
            return sorted[sorted.length - 1];
        }

        /** (max - min) / median: how far the repetitions disagree. */
        double spread() {
            return (max() - min()) / median();
        }

        int count() {
            return sorted.length;
        }

        void addTo(ArrayNode array) {
            Arrays.stream(sorted).forEach(array::add);
        }
    }

    /** The middle value of ascending values; the mean of the two middle ones for an even count. */
    static double median(double[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            throw new IllegalArgumentException("the median of no values");
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
