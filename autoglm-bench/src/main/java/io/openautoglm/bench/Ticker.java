package io.openautoglm.bench;

import io.openautoglm.core.io.Progress;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A progress line every {@code periodSeconds} for long benchmark phases, meant for a log file:
 * {@code 22:41:07 hnsw none build: 123,456/1,000,000 (412/s, last 30 s 398/s), 5:00 elapsed, ETA 35:27, heap 1.2 GB}.
 * The overall rate counts only this session's work (a resumed build starts from {@code startCount}).
 */
final class Ticker {
    private final PrintStream err;
    private final String what;
    private final long total;
    private final long startCount;
    private final long periodNanos;
    private final Supplier<String> extra;
    private final long start = System.nanoTime();
    private long lastNanos = start;
    private long lastCount;

    Ticker(PrintStream err, String what, long startCount, long total, int periodSeconds, Supplier<String> extra) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.startCount = startCount;
        this.lastCount = startCount;
        this.periodNanos = periodSeconds * 1_000_000_000L;
        this.extra = extra;
    }

    /** Prints a line when a period has passed since the last one. Cheap: call it as often as you like. */
    void tick(long done) {
        long now = System.nanoTime();
        if (now - lastNanos >= periodNanos) {
            print(done, now);
        }
    }

    /** Prints the final line. */
    void finish(long done) {
        print(done, System.nanoTime());
    }

    /** {@code 412}, or {@code 0.35} for slow phases (the exact scan of a million vectors on a busy host). */
    private static String rate(double r) {
        return String.format(Locale.ROOT, r >= 10 ? "%.0f" : "%.2f", r);
    }

    private void print(long done, long now) {
        double elapsed = (now - start) / 1e9;
        double rate = (done - startCount) / Math.max(elapsed, 1e-9);
        double recent = (done - lastCount) / Math.max((now - lastNanos) / 1e9, 1e-9);
        String eta = rate > 0 && done < total ? ", ETA " + Progress.formatSeconds((total - done) / rate) : "";
        String tail = extra == null ? "" : ", " + extra.get();
        err.printf(Locale.ROOT, "%s %s: %,d/%,d (%s/s, last %.0f s %s/s), %s elapsed%s%s%n",
                LocalTime.now().truncatedTo(ChronoUnit.SECONDS), what, done, total, rate(rate), (now - lastNanos) / 1e9, rate(recent),
                Progress.formatSeconds(elapsed), eta, tail);
        err.flush();
        lastNanos = now;
        lastCount = done;
    }
}
