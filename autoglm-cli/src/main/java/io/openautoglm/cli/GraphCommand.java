package io.openautoglm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code autoglm graph}: graph neural networks on nodes/edges JSONL files (docs/graph.md). */
@Command(name = "graph", mixinStandardHelpOptions = true,
        description = {"Graph learning: train and evaluate GNN node classifiers (GCN, GraphSAGE, GAT, R-GCN, directed GRU),",
            "predict per node, and embed vector sets along their kNN graph. Graph files: docs/graph.md."},
        subcommands = {GraphTrainCommand.class, GraphEvalCommand.class, GraphPredictCommand.class, GraphEmbedCommand.class,
            GraphRecommendCommand.class})
final class GraphCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
