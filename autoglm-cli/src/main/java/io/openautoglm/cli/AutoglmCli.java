package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code autoglm} command: one subcommand per job. */
@Command(
        name = "autoglm",
        mixinStandardHelpOptions = true,
        version = "autoglm " + MultimodalModel.VERSION,
        description = "Open-AutoGLM: vision-language models (CLIP family) on the JVM.",
        subcommands = {
            EmbedCommand.class,
            ClassifyCommand.class,
            MatchCommand.class,
            VqaCommand.class,
            CaptionCommand.class,
            InspectCommand.class,
            ConvertCommand.class,
            ExportCommand.class,
            DataCommand.class,
            EvalCommand.class,
            DefectsCommand.class,
            IndexCommand.class,
            ClusterCommand.class,
            SearchCommand.class,
            MetricsCommand.class,
            TrainCommand.class,
            GraphCommand.class,
            DemoCommand.class,
            ServeCommand.class,
            SparkCommand.class,
            QuantizeCommand.class, PruneCommand.class, RouteCommand.class,
            CommandLine.HelpCommand.class
        })
public final class AutoglmCli implements Runnable {
    /** Exit code for a user mistake (bad file, bad model, bad value); picocli uses 2 for bad usage. */
    public static final int EXIT_USER_ERROR = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /** Runs the CLI and returns its exit code; user errors become one line on {@code err}. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        CacheDirs.applyToDjl();
        CommandLine cli = new CommandLine(new AutoglmCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionStrategy(AutoglmCli::execute);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof StopSignal.Stopped stopped) {
                commandLine.getErr().println("autoglm: " + stopped.getMessage() + "; nothing was written: run the same command again");
                commandLine.getErr().flush();
                return stopped.exitCode();
            }
            if (e instanceof UserInputException) {
                commandLine.getErr().println("autoglm: error: " + e.getMessage());
                commandLine.getErr().flush();
                return EXIT_USER_ERROR;
            }
            if (e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().contains("PyTorch native")) {
                commandLine.getErr().println("autoglm: error: " + e.getMessage());
                commandLine.getErr().flush();
                return EXIT_USER_ERROR;
            }
            if (e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException) {
                // File system trouble (permissions, disk full): say what failed, not where in our code.
                commandLine.getErr().println("autoglm: error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                commandLine.getErr().flush();
                return EXIT_USER_ERROR;
            }
            throw e;
        });
        return cli.execute(args);
    }

    /** Runs the chosen command; a long job runs with SIGTERM and SIGINT turned into a stop at its next safe point. */
    private static int execute(CommandLine.ParseResult parseResult) {
        CommandLine.ParseResult last = parseResult;
        while (last.hasSubcommand()) {
            last = last.subcommand();
        }
        if (!stopsCleanly(last.commandSpec())) {
            return new CommandLine.RunLast().execute(parseResult);
        }
        try (StopSignal.Job job = StopSignal.job()) {
            return new CommandLine.RunLast().execute(parseResult);
        }
    }

    /**
     * The long jobs: training, index build, every evaluation, the demo and an ONNX export. While one runs, SIGTERM
     * and SIGINT ask it to stop at its next safe point ({@link StopSignal}): it ends between steps
     * or batches, keeps what it must (a checkpoint, a commit), prints one line saying how to go on,
     * and the CLI exits 143 (SIGTERM) or 130 (SIGINT). {@code serve} drains on SIGTERM by itself.
     */
    static boolean stopsCleanly(CommandLine.Model.CommandSpec command) {
        Object job = command.userObject();
        CommandLine.Model.CommandSpec parent = command.parent();
        return job instanceof TrainCommand || job instanceof IndexBuildCommand || job instanceof DemoCommand
                || job instanceof ExportOnnxCommand
                || (parent != null && parent.userObject() instanceof EvalCommand);
    }
}
