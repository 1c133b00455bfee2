package io.openautoglm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code autoglm graph recommend}: rankers for a recommendation set made by {@code data recsys} (docs/graph.md). */
@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = {"Cross-modal recommendation: train a two-tower or DCN ranker (click and like heads) on a set made",
            "by autoglm data recsys, and evaluate it against the popularity baseline, on all items and on cold-start ones."},
        subcommands = {GraphRecommendTrainCommand.class, GraphRecommendEvalCommand.class})
final class GraphRecommendCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
