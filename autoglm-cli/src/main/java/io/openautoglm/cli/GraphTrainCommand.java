package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.nn.GraphModelConfig;
import io.openautoglm.graph.GraphTrainConfig;
import io.openautoglm.graph.GraphTraining;
import io.openautoglm.graph.data.Graph;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a GNN node classifier on the nodes whose split is train, keeping the epoch best on val,",
            "and in the same run a feature-only MLP baseline on the same node columns (saved under OUT/baseline).",
            "Nodes without features get node-type, has-features and degree columns (identity columns on small",
            "featureless graphs). With structure: learned in the --config, a metric kNN graph is learned with the labels",
            "and added to the given edges (--export-edges writes it). Prints validation and test metrics of both. SIGTERM stops after the epoch in",
            "flight and saves the best weights so far (exit 143)."})
final class GraphTrainCommand implements Callable<Integer> {
    @Mixin
    GraphInputs inputs;

    @Option(names = "--model", required = true, paramLabel = "KIND",
            description = "Layer kind: gcn, sage (GraphSAGE mean), gat, rgcn (relational, basis decomposition), "
                    + "directed (in/out aggregation, GRU update) or mlp (features only).")
    String kind;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where the trained model goes (replaced atomically).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--config", paramLabel = "YAML", description = "Training config (keys in docs/graph.md); defaults otherwise.")
    Path config;

    @Option(names = "--epochs", paramLabel = "N", description = "Override the config's epochs.")
    Integer epochs;

    @Option(names = "--export-edges", paramLabel = "FILE",
            description = "With structure: learned in the --config: also write the learned edges to FILE as JSONL "
                    + "{\"source\", \"target\", \"weight\"} (atomically). They are saved in the model folder either way.")
    Path exportEdges;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!GraphModelConfig.KINDS.contains(kind)) { // before reading a large graph
            throw new UserInputException("unknown graph model '" + kind + "': use one of " + String.join(", ", GraphModelConfig.KINDS));
        }
        GraphTrainConfig cfg = config == null ? GraphTrainConfig.defaults() : GraphTrainConfig.read(config);
        if (exportEdges != null && !cfg.structure().equals("learned")) { // before reading a large graph
            throw new UserInputException("--export-edges needs structure: learned in the --config (the given graph is not learned)");
        }
        if (epochs != null) {
            cfg = cfg.withEpochs(epochs);
        }
        PrintWriter err = spec.commandLine().getErr();
        Graph graph = inputs.read();
        err.printf("graph: %d nodes, %d edges, relations %s, labels %s%n", graph.nodeCount(), graph.edgeCount(),
                graph.relations(), graph.labels());
        err.flush();
        GraphTraining.Report report;
        // A job of its own: SIGTERM raises the flag the trainer looks at between epochs.
        try (StopSignal.Job job = StopSignal.job()) {
            report = GraphTraining.run(graph, kind, cfg, seed, out, exportEdges, StopSignal.process(), line -> {
                err.println(line);
                err.flush();
            });
        }
        PrintWriter o = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode root = Json.object();
            root.put("out", out.toString());
            root.set("model", Json.MAPPER.valueToTree(report.model()));
            if (report.baseline() != null) {
                root.set("baseline", Json.MAPPER.valueToTree(report.baseline()));
            }
            root.put("seconds", report.seconds());
            o.println(Json.pretty(root));
        } else {
            print(o, report.model());
            if (report.baseline() != null) {
                print(o, report.baseline());
            }
            o.printf(Locale.ROOT, "model: %s (%.1f s)%n", out, report.seconds());
        }
        o.flush();
        if (report.stoppedBy() != null) {
            err.printf("autoglm: stopped by %s after the epoch in flight; the best weights so far are in %s; "
                    + "run the same command again to train in full%n", report.stoppedBy(), out);
            err.flush();
            return StopSignal.process().exitCode();
        }
        return 0;
    }

    @SuppressWarnings("unchecked")
    static void print(PrintWriter o, Map<String, Object> report) {
        for (String split : new String[] {"val", "test"}) {
            Object m = report.get(split);
            if (m instanceof Map<?, ?> metrics) {
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-8s %-4s", report.get("kind"), split));
                ((Map<String, Object>) metrics).forEach((k, v) -> line.append(v instanceof Double d
                        ? String.format(Locale.ROOT, "  %s %.4f", k, d) : "  " + k + " " + v));
                o.println(line);
            }
        }
    }
}
