package io.openautoglm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code autoglm metrics}: score results files in the official formats, without a model. */
@Command(name = "metrics", mixinStandardHelpOptions = true,
        description = "Score a results file against annotations as the reference evaluation code does: COCO captions, VQA v2.",
        subcommands = {MetricsCaptionCommand.class, MetricsVqaCommand.class})
final class MetricsCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
