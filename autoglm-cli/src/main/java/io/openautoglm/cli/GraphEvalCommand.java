package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.GraphEvaluation;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphNode;
import io.openautoglm.graph.io.GraphModelFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a trained graph model on the labelled nodes of one split: accuracy, and for two labels",
            "AUROC, average precision and recall at 1%% false positives of the positive label (\"1\", \"fraud\", ...).",
            "When the model folder holds the baseline trained with it (baseline/), it is evaluated too."})
final class GraphEvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A folder written by autoglm graph train.")
    Path model;

    @Mixin
    GraphInputs inputs;

    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT", description = "train, val or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        GraphNode.Split which = GraphNode.Split.parse(split);
        if (which == null) {
            throw new UserInputException("unknown --split '" + split + "': use train, val or test");
        }
        Graph graph = inputs.read();
        Map<String, Object> result;
        try (GraphModelFiles.Loaded loaded = GraphModelFiles.load(model)) {
            result = new LinkedHashMap<>(GraphEvaluation.evaluate(loaded, graph, which));
            result.put("kind", loaded.description().model().kind());
        }
        Path baselineDir = model.resolve("baseline");
        if (Files.isRegularFile(baselineDir.resolve("config.json"))) {
            try (GraphModelFiles.Loaded baseline = GraphModelFiles.load(baselineDir)) {
                Map<String, Object> b = new LinkedHashMap<>(GraphEvaluation.evaluate(baseline, graph, which));
                b.put("kind", baseline.description().model().kind());
                result.put("baseline", b);
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode root = Json.MAPPER.valueToTree(result);
            o.println(Json.pretty(root));
        } else {
            printRow(o, split, result);
            if (result.get("baseline") instanceof Map<?, ?> b) {
                @SuppressWarnings("unchecked")
                Map<String, Object> baseline = (Map<String, Object>) b;
                printRow(o, split, baseline);
            }
        }
        o.flush();
        return 0;
    }

    private static void printRow(PrintWriter o, String split, Map<String, Object> metrics) {
        StringBuilder line = new StringBuilder(String.format(java.util.Locale.ROOT, "%-8s %-4s", metrics.get("kind"), split));
        metrics.forEach((k, v) -> {
            if (!k.equals("kind") && !k.equals("baseline")) {
                line.append(v instanceof Double d ? String.format(java.util.Locale.ROOT, "  %s %.4f", k, d) : "  " + k + " " + v);
            }
        });
        o.println(line);
    }
}
