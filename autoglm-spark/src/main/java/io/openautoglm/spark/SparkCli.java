package io.openautoglm.spark;

import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code autoglm spark}: the entry point of the autoglm-spark jar, for {@code autoglm spark ...}
 * (which starts it in a JVM of its own, with Spark on the classpath) and for {@code spark-submit}.
 */
@Command(name = "autoglm spark", mixinStandardHelpOptions = true,
        description = {"Batch jobs on Apache Spark (local[N] on this machine, or a cluster through spark-submit).",
            "See docs/spark.md."},
        subcommands = {SparkEmbedCommand.class, CommandLine.HelpCommand.class})
public final class SparkCli implements Runnable {
    static final int EXIT_USER_ERROR = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        // Spark, Hadoop and Jetty log through slf4j-simple here: warnings and errors only, unless asked otherwise.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code;
        try (StopSignal.Job job = StopSignal.job()) { // SIGTERM/SIGINT: a flag the job looks at, not a JVM exit under libtorch
            code = run(out, err, args);
        }
        System.exit(code);
    }

    /** Runs the command line and returns its exit status; a user mistake is one line on {@code err}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        CommandLine cli = new CommandLine(new SparkCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserInputException || e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                String what = e instanceof UserInputException ? "" : e.getClass().getSimpleName() + ": ";
                commandLine.getErr().println("autoglm: error: " + what + e.getMessage());
                commandLine.getErr().flush();
                return EXIT_USER_ERROR;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
