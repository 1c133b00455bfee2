package io.openautoglm.core.io;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line for long work on stderr: count, rate, ETA and a caller's status. On a terminal
 * it redraws one line; elsewhere (CI logs, pipes) it prints a plain line every few seconds.
 */
public final class Progress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LOG_NANOS = 5_000_000_000L;

    private final PrintStream out;
    private final String label;
    private final long total;
    private final String unit;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private final long startCount;
    private long lastDraw;
    private boolean drew;

    /** @param startCount where the count starts (a resumed run), so rates count only this run's work */
    public Progress(PrintStream out, String label, long total, String unit, long startCount) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.startCount = startCount;
        this.terminal = System.console() != null;
    }

    public Progress(PrintStream out, String label, long total, String unit) {
        this(out, label, total, unit, 0);
    }

    /** Reports {@code done} of {@code total}; draws only when enough time has passed. */
    public void update(long done, String status) {
        long now = System.nanoTime();
        long interval = terminal ? REDRAW_NANOS : LOG_NANOS;
        if (done < total && now - lastDraw < interval) {
            return;
        }
        lastDraw = now;
        draw(done, status, now);
    }

    /** Draws the final state and ends the line. */
    public void finish(long done, String status) {
        draw(done, status, System.nanoTime());
        if (terminal && drew) {
            out.println();
        }
    }

    private void draw(long done, String status, long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = (done - startCount) / seconds;
        String eta = rate > 0 && done < total ? formatSeconds((total - done) / rate) : "0:00";
        int pct = total == 0 ? 100 : (int) (100 * done / total);
        String bar = terminal ? bar(pct) + " " : "";
        String line = String.format(Locale.ROOT, "%s %s%d/%d %s (%d%%) %.1f %s/s ETA %s%s", label, bar, done, total, unit, pct,
                rate, unit, eta, status == null || status.isEmpty() ? "" : "  " + status);
        if (terminal) {
            out.print("\r" + line + "\u001b[K");
            out.flush();
        } else {
            out.println(line);
        }
        drew = true;
    }

    private static String bar(int pct) {
        int filled = pct / 5;
        return "[" + "=".repeat(filled) + (filled < 20 ? ">" : "") + " ".repeat(Math.max(0, 19 - filled)) + "]";
    }

    public static String formatSeconds(double s) {
        long total = Math.round(s);
        long h = total / 3600;
        long m = (total % 3600) / 60;
        long sec = total % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec) : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }
}
