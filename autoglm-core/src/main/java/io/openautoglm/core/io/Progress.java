package io.openautoglm.core.io;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A progress line on stderr for long runs: count, rate, ETA and a caller's status (the training
 * loss). Silent for the first two seconds,
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
    private final long startCount;
    private long done;
    private String status = "";
    private long lastPrint;
    private boolean printed;

    /** @param startCount items already done before this run (a resumed one): rates count only new work */
    public Progress(PrintWriter err, String what, long total, boolean terminal, LongSupplier clock, long startCount) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.terminal = terminal;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.startCount = startCount;
        this.done = startCount;
    }

    /** Progress on {@code err} (null for none), redrawn in place when the JVM has a console. */
    public static Progress start(PrintWriter err, String what, long total) {
        return start(err, what, total, 0);
    }

    public static Progress start(PrintWriter err, String what, long total, long startCount) {
        return new Progress(err, what, total, System.console() != null, System::nanoTime, startCount);
    }

    /** Sets the count and a short status shown after the rate, and prints a line if it is time to. */
    public void set(long doneSoFar, String newStatus) {
        status = newStatus == null ? "" : newStatus;
        advance(doneSoFar - done);
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
        double rate = (done - startCount) / seconds;
        String eta = rate > 0 && done < total ? ", ETA " + formatSeconds((total - done) / rate) : "";
        return String.format(Locale.ROOT, "%s: %d/%d (%.1f/s%s)%s", what, done, total, rate, eta,
                status.isEmpty() ? "" : "  " + status);
    }

    /** 75 -> "1:15", 3725 -> "1:02:05". */
    public static String formatSeconds(double s) {
        long t = Math.round(s);
        return t >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, (t % 3600) / 60, t % 60)
                : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
    }
}
