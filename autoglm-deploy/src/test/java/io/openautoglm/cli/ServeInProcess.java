package io.openautoglm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code autoglm serve} run by the real CLI in this JVM, for autoglm-deploy's tests: started with the
 * manifests' own arguments, stopped the way SIGTERM stops it ({@link ServeCommand#shutdown()}, which the
 * JVM's shutdown hook calls). Lives in the CLI's package because the running command is package-private.
 */
public final class ServeInProcess implements AutoCloseable {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final CompletableFuture<Integer> exit;
    private final String url;
    private final ServeCommand command;

    private ServeInProcess(String... args) throws InterruptedException {
        exit = CompletableFuture.supplyAsync(() -> AutoglmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!out.toString().contains("\n") && !exit.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        String first = out.toString().lines().findFirst().orElse("");
        if (!first.startsWith("listening on ")) {
            throw new AssertionError("autoglm serve did not start (exit " + (exit.isDone() ? exit.join() : "none yet")
                    + "): " + out + err);
        }
        url = first.substring("listening on ".length());
        // the command registers itself just after printing its first lines
        while (ServeCommand.RUNNING.isEmpty() && !exit.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (ServeCommand.RUNNING.size() != 1) {
            throw new AssertionError("expected one running serve command, found " + ServeCommand.RUNNING.size());
        }
        command = ServeCommand.RUNNING.get(0);
    }

    /** Runs {@code autoglm <args>} (args start with "serve") and waits for its "listening on" line. */
    public static ServeInProcess start(String... args) throws InterruptedException {
        return new ServeInProcess(args);
    }

    public String url() {
        return url;
    }

    /** What SIGTERM does: the graceful stop; returns once the command has stopped. */
    public int stop() throws Exception {
        command.shutdown();
        return exit.get(120, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
        if (!exit.isDone()) {
            stop();
        }
    }
}
