package io.openautoglm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code autoglm index}: build and inspect a persistent vector index of pictures. */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = "A persistent vector index of pictures for `autoglm search`: build it (incrementally), inspect it.",
        subcommands = {IndexBuildCommand.class, IndexInfoCommand.class})
final class IndexCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
