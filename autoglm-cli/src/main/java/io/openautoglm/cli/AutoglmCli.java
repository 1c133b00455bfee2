package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
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
            InspectCommand.class,
            ConvertCommand.class,
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
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; user errors become one line on stderr. */
    public static int run(String... args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        CommandLine cli = new CommandLine(new AutoglmCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof UserInputException) {
                commandLine.getErr().println("autoglm: error: " + e.getMessage());
                return EXIT_USER_ERROR;
            }
            if (e instanceof IllegalStateException && e.getMessage() != null && e.getMessage().contains("PyTorch native")) {
                commandLine.getErr().println("autoglm: error: " + e.getMessage());
                return EXIT_USER_ERROR;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
