package io.openautoglm.eval;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr for long runs: count, rate and ETA. Silent for the first two seconds,
 * so quick runs (and tests) print nothing. On a terminal the line is redrawn in place with
 * {@code \r}; otherwise (a log file, a CI job) a plain line is written every few seconds, because
 * carriage returns turn logs into one unreadable line.
 */
public final class Progress {
    static final long QUIET_NANOS = 2_000_000_000L;
    static final long TERMINAL_EVERY_NANOS = 200_000_000L;
    static final long PLAIN_EVERY_NANOS = 5_000_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long total;
    private final boolean terminal;
    private final LongSupplier clock;
    private final long start;
    private long done;
    private long lastPrint;
    private boolean printed;

    Progress(PrintWriter err, String what, long total, boolean terminal, LongSupplier clock) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.terminal = terminal;
        this.clock = clock;
        this.start = clock.getAsLong();
    }

    /** Progress on {@code err} (null for none), redrawn in place when the JVM has a console. */
    public static Progress start(PrintWriter err, String what, long total) {
        return new Progress(err, what, total, System.console() != null, System::nanoTime);
    }

    /** Records {@code n} more items done and prints a line if it is time to. */
    public void advance(long n) {
        done += n;
        if (err == null) {
            return;
        }
        long now = clock.getAsLong();
        if (now - start < QUIET_NANOS || (printed && now - lastPrint < (terminal ? TERMINAL_EVERY_NANOS : PLAIN_EVERY_NANOS))) {
            return;
        }
        lastPrint = now;
        printed = true;
        if (terminal) {
            err.print("\r" + line(now) + "   ");
        } else {
            err.println(line(now));
        }
        err.flush();
    }

    /** Ends the line if one was drawn in place; prints nothing for a run that stayed quick. */
    public void finish() {
        if (err != null && printed) {
            if (terminal) {
                err.print("\r" + line(clock.getAsLong()) + "   \n");
            } else {
                err.println(line(clock.getAsLong()));
            }
            err.flush();
        }
    }

    String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        String eta = rate > 0 && done < total ? String.format(Locale.ROOT, ", ETA %.0fs", (total - done) / rate) : "";
        return String.format(Locale.ROOT, "%s: %d/%d (%.1f/s%s)", what, done, total, rate, eta);
    }
}
