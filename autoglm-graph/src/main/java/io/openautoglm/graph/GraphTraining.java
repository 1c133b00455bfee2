package io.openautoglm.graph;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphNode;
import io.openautoglm.graph.data.NodeFeatures;
import io.openautoglm.graph.io.GraphModelFiles;
import io.openautoglm.graph.io.LearnedEdges;
import io.openautoglm.graph.structure.MetricGraphLearner;
import io.openautoglm.graph.nn.EdgeList;
import io.openautoglm.graph.nn.GraphModelConfig;
import io.openautoglm.graph.train.GraphTrainer;
import io.openautoglm.graph.train.TrainOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code autoglm graph train} as a library call: fits the feature columns, trains the chosen model
 * on the {@code train} nodes (validating on {@code val}), and in the same run the feature-only
 * MLP baseline on the same columns; saves both (the baseline under {@code baseline/}) and reports
 * validation and test metrics of each.
 */
public final class GraphTraining {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphTraining() {}

    /** What one run did: per model its validation and test metrics, the epoch kept, and a stop's cause. */
    public record Report(String kind, Map<String, Object> model, Map<String, Object> baseline, String stoppedBy,
            double seconds) {}

    /** Where {@code structure: learned} puts its edges besides the model directory (null: only there). */
    public static Report run(Graph graph, String kind, GraphTrainConfig config, long seed, Path out, StopSignal stop,
            Consumer<String> log) throws IOException {
        return run(graph, kind, config, seed, out, null, stop, log);
    }

    /**
     * @param exportEdges with {@code structure: learned}, a JSONL file the learned edges are also written to
     *                    (atomically); null for none
     */
    public static Report run(Graph graph, String kind, GraphTrainConfig config, long seed, Path out, Path exportEdges,
            StopSignal stop, Consumer<String> log) throws IOException {
        long started = System.nanoTime();
        int[] train = graph.labelled(GraphNode.Split.TRAIN);
        int[] val = graph.labelled(GraphNode.Split.VAL);
        if (train.length == 0) {
            throw new UserInputException("no labelled node has split 'train': give some nodes \"label\" and \"split\": \"train\"");
        }
        NodeFeatures features = NodeFeatures.fit(graph);
        float[] x = features.matrix(graph);
        EdgeList edges = EdgeList.of(graph);
        java.util.List<String> relations = new java.util.ArrayList<>(graph.relations());
        EdgeList learned = null;
        if (config.structure().equals("learned")) {
            learned = learnStructure(graph, config, seed, x, edges, train, stop, log);
            relations.add(LearnedEdges.RELATION);
            learned = LearnedEdges.asRelation(learned, relations.size() - 1, relations.size());
            edges = LearnedEdges.union(new EdgeList(edges.nodeCount(), edges.source(), edges.target(), edges.relation(),
                    edges.weight(), relations.size()), learned);
            if (exportEdges != null) {
                LearnedEdges.write(exportEdges, graph, learned);
                log.accept("learned edges: " + learned.edgeCount() + " written to " + exportEdges);
            }
        } else if (exportEdges != null) {
            throw new UserInputException("--export-edges needs structure: learned in the --config (the given graph is not learned)");
        }
        TrainOptions options = config.options(seed);
        Map<String, Object> modelReport = trainOne(graph, kind, config, options, features, x, edges, relations, train, val,
                out, learned, stop, log);
        Map<String, Object> baselineReport = null;
        String stoppedBy = (String) modelReport.remove("stopped_by");
        if (config.baseline() && !kind.equals("mlp") && stoppedBy == null) {
            log.accept("baseline: feature-only mlp on the same columns");
            baselineReport = trainOne(graph, "mlp", config, options, features, x, edges, relations, train, val,
                    out.resolve("baseline"), null, stop, log);
            stoppedBy = (String) baselineReport.remove("stopped_by");
        }
        return new Report(kind, modelReport, baselineReport, stoppedBy, (System.nanoTime() - started) / 1e9);
    }

    /**
     * IDGL-style: the metric and a two-layer GCN learn the graph together on the train labels
     * (docs/graph.md, structure learning); each node keeps its {@code structure_k} best as learned neighbours.
     */
    private static EdgeList learnStructure(Graph graph, GraphTrainConfig config, long seed, float[] x, EdgeList given,
            int[] train, StopSignal stop, Consumer<String> log) {
        if (graph.nodeCount() <= config.structureK()) {
            throw new UserInputException("structure_k is " + config.structureK() + " but the graph has only " + graph.nodeCount()
                    + " nodes: use a structure_k below the node count");
        }
        if (graph.nodeCount() > MAX_LEARNED_NODES) {
            throw new UserInputException("structure: learned compares every pair of nodes and handles at most " + MAX_LEARNED_NODES
                    + " nodes, got " + graph.nodeCount() + ": use structure: given");
        }
        long started = System.nanoTime();
        MetricGraphLearner.Learned learned = new MetricGraphLearner(MetricGraphLearner.Options.defaults(config.structureK(), seed))
                .learn(x, given, graph.label(), train, stop);
        log.accept(String.format(java.util.Locale.ROOT, "structure: learned %d edges (%d per node) in %.1f s",
                learned.edges().edgeCount(), config.structureK(), (System.nanoTime() - started) / 1e9));
        return learned.edges();
    }

    /** The learner sorts all n² pairs on the JVM every 5 epochs: about a minute per 200 epochs at 5,000 nodes. */
    public static final int MAX_LEARNED_NODES = 5_000;

    private static Map<String, Object> trainOne(Graph graph, String kind, GraphTrainConfig config, TrainOptions options,
            NodeFeatures features, float[] x, EdgeList edges, java.util.List<String> relations, int[] train, int[] val,
            Path out, EdgeList learned, StopSignal stop, Consumer<String> log) throws IOException {
        GraphModelConfig modelConfig = new GraphModelConfig(kind, features.width(), config.hidden(), graph.labels().size(),
                config.layers(), Math.max(1, relations.size()), kind.equals("gat") ? config.heads() : 1, config.bases(),
                config.dropout());
        long started = System.nanoTime();
        GraphTrainer.Outcome outcome = new GraphTrainer(options, stop, log).train(modelConfig, x, edges, graph.label(), train, val);
        double trainSeconds = (System.nanoTime() - started) / 1e9;
        try (var trained = outcome.trained()) {
            float[][] p = trained.probabilities(x, edges);
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("kind", kind);
            report.put("epochs_run", outcome.losses().size());
            report.put("best_epoch", outcome.bestEpoch());
            report.put("final_loss", outcome.losses().get(outcome.losses().size() - 1));
            report.put("train_seconds", trainSeconds);
            if (val.length > 0) {
                report.put("val", GraphEvaluation.metrics(p, graph.label(), val, graph.labels()));
            }
            int[] test = graph.labelled(GraphNode.Split.TEST);
            if (test.length > 0) {
                report.put("test", GraphEvaluation.metrics(p, graph.label(), test, graph.labels()));
            }
            ObjectNode details = JSON.createObjectNode();
            details.put("trained_by", "autoglm graph train");
            details.put("nodes", graph.nodeCount());
            details.put("edges", graph.edgeCount());
            details.put("seed", options.seed());
            details.put("structure", learned == null ? "given" : "learned");
            if (learned != null) {
                details.put("learned_edges", learned.edgeCount());
            }
            details.set("report", JSON.valueToTree(report));
            if (outcome.stoppedBy() != null) {
                details.put("stopped_by", outcome.stoppedBy());
            }
            GraphModelFiles.save(out, new GraphModelFiles.Description(GraphModelFiles.FORMAT, modelConfig, features,
                    graph.labels(), relations, options), trained.model(), details,
                    staged -> {
                        if (learned != null) { // eval and predict pass messages along these too
                            LearnedEdges.write(staged.resolve(LearnedEdges.FILE), graph, learned);
                        }
                    });
            report.put("stopped_by", outcome.stoppedBy());
            return report;
        }
    }
}
