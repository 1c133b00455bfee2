package io.openautoglm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code autoglm data}: make and inspect datasets; one subcommand per dataset kind. */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Datasets: generate synthetic data.",
        subcommands = {ShapeWorldCommand.class, FraudGraphCommand.class, DefectsDataCommand.class, KarateCommand.class, RecsysDataCommand.class})
final class DataCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
