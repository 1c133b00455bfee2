package io.openautoglm.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphFiles;
import io.openautoglm.graph.data.GraphNode;
import io.openautoglm.graph.io.GraphModelFiles;
import io.openautoglm.graph.io.LearnedEdges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code structure: learned} in graph train: a planted three-community graph with its edges
 * dropped (the structure is learned from none); the model must learn far above chance (1/3), the
 * exported edges must parse and join nodes of one community well above chance, and eval must
 * pass messages along the same learned edges (it reproduces training's test accuracy).
 */
class LearnedStructureTrainingTest {
    @TempDir
    static Path tmp;

    static Graph graph;
    static GraphTraining.Report report;
    static Path exported;

    static GraphTrainConfig learned(int epochs) {
        return new GraphTrainConfig(16, 2, null, null, 0.1f, epochs, 0.02, null, null, null, null, false, "learned", 6);
    }

    @BeforeAll
    static void trainWithoutGivenEdges() throws Exception {
        Graph planted = SyntheticGraphs.communities(150, 3, 0.15, 0.006, 1.0f, 7);
        graph = GraphFiles.assemble(planted.nodes(), List.of());
        exported = tmp.resolve("learned.jsonl");
        report = GraphTraining.run(graph, "gcn", learned(80), 1, tmp.resolve("model"), exported, new StopSignal(), line -> { });
    }

    @Test
    void learnsFarAboveChanceFromNoGivenEdges() {
        @SuppressWarnings("unchecked")
        Map<String, Object> test = (Map<String, Object>) report.model().get("test");
        assertThat((Double) test.get("accuracy")).as(report.model().toString()).isGreaterThan(0.7);
    }

    @Test
    void exportedEdgesParseAndJoinOneCommunityAboveChance() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(exported);
        assertThat(lines).hasSize(150 * 6);
        int same = 0;
        for (String line : lines) {
            JsonNode edge = json.readTree(line);
            assertThat(edge.fieldNames()).toIterable().containsExactly("source", "target", "weight");
            int s = graph.indexById().get(edge.get("source").asText());
            int t = graph.indexById().get(edge.get("target").asText());
            assertThat(edge.get("weight").asDouble()).isBetween(0.0, 1.0 + 1e-6);
            same += graph.label()[s] == graph.label()[t] ? 1 : 0;
        }
        assertThat((double) same / lines.size()).isGreaterThan(0.6);
        assertThat(tmp.resolve("model").resolve(LearnedEdges.FILE)).hasSameTextualContentAs(exported);
        try (var files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".") || n.contains(".tmp"));
        }
    }

    @Test
    void evalUsesTheLearnedEdgesSavedWithTheModel() {
        @SuppressWarnings("unchecked")
        Map<String, Object> atTraining = (Map<String, Object>) report.model().get("test");
        try (GraphModelFiles.Loaded loaded = GraphModelFiles.load(tmp.resolve("model"))) {
            assertThat(loaded.description().relations()).contains(LearnedEdges.RELATION);
            assertThat(loaded.edges(graph).edgeCount()).isEqualTo(150 * 6);
            Map<String, Object> atEval = GraphEvaluation.evaluate(loaded, graph, GraphNode.Split.TEST);
            assertThat((Double) atEval.get("accuracy")).isEqualTo((Double) atTraining.get("accuracy"));
        }
    }

    @Test
    void learnsFromTheGivenEdgesToo() throws Exception {
        Graph planted = SyntheticGraphs.communities(150, 3, 0.15, 0.006, 0.5f, 7);
        GraphTraining.Report r = GraphTraining.run(planted, "gcn", learned(60), 2, tmp.resolve("given"), null, new StopSignal(),
                line -> { });
        @SuppressWarnings("unchecked")
        Map<String, Object> test = (Map<String, Object>) r.model().get("test");
        assertThat((Double) test.get("accuracy")).isGreaterThan(0.7);
        try (GraphModelFiles.Loaded loaded = GraphModelFiles.load(tmp.resolve("given"))) {
            assertThat(loaded.edges(planted).edgeCount()).isEqualTo(planted.edgeCount() + 150 * 6);
        }
    }

    @Test
    void misuseIsOneLine() {
        GraphTrainConfig given = GraphTrainConfig.defaults();
        assertThatThrownBy(() -> GraphTraining.run(graph, "gcn", given, 1, tmp.resolve("x"), tmp.resolve("e.jsonl"), new StopSignal(),
                line -> { })).isInstanceOf(UserInputException.class)
                .hasMessage("--export-edges needs structure: learned in the --config (the given graph is not learned)");
        GraphTrainConfig tooMany = new GraphTrainConfig(null, null, null, null, null, 1, null, null, null, null, null, false,
                "learned", 150);
        assertThatThrownBy(() -> GraphTraining.run(graph, "gcn", tooMany, 1, tmp.resolve("x"), null, new StopSignal(), line -> { }))
                .isInstanceOf(UserInputException.class)
                .hasMessage("structure_k is 150 but the graph has only 150 nodes: use a structure_k below the node count");
    }
}
