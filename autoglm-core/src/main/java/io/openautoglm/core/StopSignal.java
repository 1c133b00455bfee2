package io.openautoglm.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A request to stop a long job (training, indexing, evaluation) at its next safe point, so that
 * no native work is running when the JVM exits. libtorch cannot be interrupted inside a kernel,
 * and the JVM's own reaction to SIGTERM (run the shutdown hooks, then exit while other threads
 * carry on) let libtorch's globals be torn down under a backward pass still in flight. Instead,
 * while a {@link #job} is open, SIGTERM and SIGINT only raise this flag; the job looks at it
 * between steps or batches ({@link #requested()}, {@link #check()}), writes what it must
 * (a checkpoint, a commit), returns, and the caller exits with {@link #exitCode()} (143 or 130).
 * A second signal halts at once.
 *
 * <p>The process-wide signal ({@link #process()}) is raised only while a job is open: a library
 * user who never opens one sees it never raised. The model's batch loops call {@link #check()}
 * on it, so any evaluation stops between batches with {@link Stopped}. Components that take a
 * signal (the trainer) accept another instance too, which tests raise by hand.
 */
public final class StopSignal {
    /** How long a shutdown that did not come through our handlers waits for the job to finish. */
    static final long SHUTDOWN_WAIT_SECONDS = 60;

    private static final StopSignal PROCESS = new StopSignal();
    private static final Object LOCK = new Object();
    private static int openJobs;
    private static List<Restore> restores = List.of();
    private static Thread shutdownHook;

    private volatile String reason;
    private volatile int exitCode;

    /** A signal of its own, raised only by {@link #request}. */
    public StopSignal() {}

    /** The process's signal: raised by SIGTERM/SIGINT while a {@link #job} is open. */
    public static StopSignal process() {
        return PROCESS;
    }

    /** Whether a stop was asked for. */
    public boolean requested() {
        return reason != null;
    }

    /** What asked for the stop ({@code SIGTERM}, {@code SIGINT}, ...), or null. */
    public String reason() {
        return reason;
    }

    /** The exit status that reports the stop: 128 + the signal number (143 for SIGTERM, 130 for SIGINT). */
    public int exitCode() {
        return exitCode;
    }

    /** Asks for a stop; the first request is the one reported. */
    public synchronized void request(String why, int status) {
        if (reason == null) {
            exitCode = status;
            reason = why;
        }
    }

    /** A safe point between batches: throws {@link Stopped} when a stop was asked for. */
    public void check() {
        String why = reason;
        if (why != null) {
            throw new Stopped(why, exitCode, "stopped by " + why + " between batches");
        }
    }

    /** The job stopped at a safe point; the message says what was kept and how to go on. */
    public static final class Stopped extends RuntimeException {
        private final String reason;
        private final int exitCode;

        public Stopped(String reason, int exitCode, String message) {
            super(message, null, false, false);
            this.reason = reason;
            this.exitCode = exitCode;
        }

        public String reason() {
            return reason;
        }

        public int exitCode() {
            return exitCode;
        }
    }

    /**
     * Opens a long job on the process signal: until it is closed, SIGTERM and SIGINT raise
     * {@link #process()} instead of shutting the JVM down (a second one halts at once, after one
     * line on stderr), and a shutdown begun some other way (SIGHUP, {@code System.exit}
     * elsewhere) raises it and waits up to 60 s for the job to close. Closing the last open job
     * puts the JVM's own handlers back and lowers the flag.
     */
    public static Job job() {
        synchronized (LOCK) {
            if (openJobs++ == 0) {
                List<Restore> installed = new ArrayList<>();
                for (String name : List.of("TERM", "INT")) {
                    Restore r = Restore.install(name);
                    if (r != null) {
                        installed.add(r);
                    }
                }
                restores = installed;
                shutdownHook = new Thread(StopSignal::shutdownRequested, "autoglm-stop-signal");
                Runtime.getRuntime().addShutdownHook(shutdownHook);
            }
        }
        return new Job();
    }

    /** An open long job; see {@link StopSignal#job}. */
    public static final class Job implements AutoCloseable {
        private boolean closed;

        private Job() {}

        @Override
        public void close() {
            synchronized (LOCK) {
                if (closed) {
                    return;
                }
                closed = true;
                if (--openJobs == 0) {
                    restores.forEach(Restore::undo);
                    restores = List.of();
                    try {
                        Runtime.getRuntime().removeShutdownHook(shutdownHook);
                    } catch (IllegalStateException e) {
                        // the JVM is shutting down and the hook is waiting for us: let it go on
                    }
                    shutdownHook = null;
                    PROCESS.reason = null;
                    LOCK.notifyAll();
                }
            }
        }
    }

    /** The JVM is shutting down while a job is open: ask it to stop and give it time to reach a safe point. */
    private static void shutdownRequested() {
        PROCESS.request("shutdown", 143);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SHUTDOWN_WAIT_SECONDS);
        synchronized (LOCK) {
            long left;
            while (openJobs > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(LOCK, left);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Our handler for one signal, and the one it replaced. */
    private record Restore(sun.misc.Signal signal, sun.misc.SignalHandler previous) {
        static Restore install(String name) {
            int status = 128 + ("TERM".equals(name) ? 15 : 2);
            String why = "SIG" + name;
            try {
                sun.misc.Signal signal = new sun.misc.Signal(name);
                sun.misc.SignalHandler previous = sun.misc.Signal.handle(signal, s -> {
                    if (PROCESS.requested()) {
                        System.err.println("autoglm: second " + why + ": stopping at once");
                        System.err.flush();
                        Runtime.getRuntime().halt(status);
                    }
                    PROCESS.request(why, status); // the job says what it did when it reaches its safe point
                });
                return new Restore(signal, previous);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                return null; // the signal is reserved here (e.g. java -Xrs); the shutdown hook still covers it
            }
        }

        void undo() {
            sun.misc.Signal.handle(signal, previous);
        }
    }
}
