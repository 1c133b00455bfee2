package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.io.GraphModelFiles;
import io.openautoglm.graph.train.GraphTrainer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict every node's label with a trained graph model: one JSON object per line,",
            "{\"id\", \"label\", \"probabilities\": {label: p, ...}}; --ids limits it to some nodes,",
            "--type to nodes of one type."})
final class GraphPredictCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR", description = "A folder written by autoglm graph train.")
    Path model;

    @Mixin
    GraphInputs inputs;

    @Option(names = "--ids", split = ",", paramLabel = "ID", description = "Only these node ids (comma-separated).")
    List<String> ids;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only nodes of this type (e.g. account).")
    String type;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Graph graph = inputs.read();
        if (ids != null) {
            for (String id : ids) {
                if (!graph.indexById().containsKey(id)) {
                    throw new UserInputException("--ids: '" + id + "' is not a node id in " + inputs.nodes);
                }
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        try (GraphModelFiles.Loaded loaded = GraphModelFiles.load(model)) {
            List<String> labels = loaded.description().labels();
            float[][] p = loaded.trained().probabilities(loaded.description().features().matrix(graph),
                    loaded.edges(graph));
            java.util.stream.IntStream nodes = ids != null
                    ? ids.stream().mapToInt(graph.indexById()::get)
                    : java.util.stream.IntStream.range(0, graph.nodeCount());
            nodes.filter(i -> type == null || type.equals(graph.nodes().get(i).type())).forEach(i -> {
                ObjectNode line = Json.object();
                line.put("id", graph.nodeIds().get(i));
                line.put("label", labels.get(GraphTrainer.argmax(p[i])));
                ObjectNode probabilities = line.putObject("probabilities");
                for (int c = 0; c < labels.size(); c++) {
                    probabilities.put(labels.get(c), p[i][c]);
                }
                o.println(Json.compact(line));
            });
        }
        o.flush();
        return 0;
    }
}
