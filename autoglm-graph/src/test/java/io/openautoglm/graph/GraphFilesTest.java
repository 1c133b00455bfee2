package io.openautoglm.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphFiles;
import io.openautoglm.graph.data.NodeEncoder;
import io.openautoglm.graph.data.NodeFeatures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Graph files: what is read, and every mistake as one line naming file and line. */
class GraphFilesTest {
    static final Path BUNDLED_MODEL = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize();
    static final Path PICTURE = Path.of("../autoglm-core/src/test/resources/clip-parity/tiny-clip/images/pic0_32x32_RGB.png")
            .toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void readsNodesEdgesRelationsAndSplits() throws Exception {
        Graph g = read("{\"id\":\"a\",\"type\":\"user\",\"features\":[1,2],\"label\":\"1\",\"split\":\"train\"}\n"
                + "{\"id\":7,\"type\":\"item\"}\n\n",
                "{\"source\":\"a\",\"target\":\"7\",\"relation\":\"likes\",\"weight\":0.5,\"time\":3}\n{\"source\":\"7\",\"target\":\"a\"}\n");
        assertThat(g.nodeIds()).containsExactly("a", "7");
        assertThat(g.relations()).containsExactly("likes", "edge");
        assertThat(g.weight()).containsExactly(0.5f, 1f);
        assertThat(g.labelled(io.openautoglm.graph.data.GraphNode.Split.TRAIN)).containsExactly(0);
        assertThat(g.featureWidth()).isEqualTo(2);
    }

    @Test
    void eachMistakeIsOneLineNamingFileAndLine() {
        String ok = "{\"id\":\"a\"}\n{\"id\":\"b\"}\n";
        assertMistake(ok, "{\"source\":\"a\",\"target\":\"c\"}\n", "edges.jsonl:1: dangling edge: 'c' is not a node id");
        assertMistake("{\"id\":\"a\",\"split\":\"dev\"}\n", "", "nodes.jsonl:1: unknown split 'dev' for node 'a': use train, val or test");
        assertMistake("{\"id\":\"a\",\"features\":[1]}\n{\"id\":\"b\",\"features\":[1,2]}\n", "",
                "nodes.jsonl:2: node 'b' has 2 features but line 1 has 1");
        assertMistake("{\"id\":\"a\"}\n{\"id\":\"a\"}\n", "", "nodes.jsonl:2: duplicate node id 'a'");
        assertMistake("{\"id\":\"a\",\"features\":[1,\"x\"]}\n", "", "nodes.jsonl:1: feature 1 is not a finite number");
        assertMistake(ok, "{\"source\":\"a\",\"target\":\"b\",\"weight\":-1}\n", "edges.jsonl:1: weight must be a finite number >= 0");
        assertMistake(ok, "{\"source\":\"a\",\"target\":\"b\",\"kind\":\"x\"}\n", "edges.jsonl:1: unknown key 'kind'");
        assertMistake("{\"id\":\"a\"\n", "", "nodes.jsonl:1: not valid JSON");
        assertMistake("", "", "has no nodes");
    }

    @Test
    void nodesWithPicturesOrTextsAreEmbeddedByTheModel() throws Exception {
        Files.copy(PICTURE, dir.resolve("pic.png"));
        Graph g = read("{\"id\":\"p\",\"image\":\"pic.png\"}\n{\"id\":\"t\",\"text\":\"a red circle\"}\n"
                + "{\"id\":\"both\",\"image\":\"pic.png\",\"text\":\"a red circle\"}\n", "{\"source\":\"p\",\"target\":\"t\"}\n");
        assertThatThrownBy(() -> NodeFeatures.embedMissing(g, null, dir)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("pass --model DIR");
        try (MultimodalModel model = MultimodalModel.load(BUNDLED_MODEL)) {
            Graph embedded = NodeFeatures.embedMissing(g, encoder(model), dir);
            assertThat(embedded.featureWidth()).isEqualTo(model.embeddingDim());
            float[] picture = embedded.features()[0];
            float[] text = embedded.features()[1];
            float[] both = embedded.features()[2];
            assertThat(both[0]).isCloseTo((picture[0] + text[0]) / 2, org.assertj.core.data.Offset.offset(1e-5f));

            Graph mixed = read("{\"id\":\"f\",\"features\":[1,2,3]}\n{\"id\":\"t\",\"text\":\"a blue square\"}\n", "");
            assertThatThrownBy(() -> NodeFeatures.embedMissing(mixed, encoder(model), dir)).isInstanceOf(UserInputException.class)
                    .hasMessageContaining("must have the same width");
        }
    }

    private static NodeEncoder encoder(MultimodalModel model) {
        return new NodeEncoder() {
            @Override
            public float[][] embedImageFiles(List<Path> files) {
                return model.embedImageFiles(files, EmbedOptions.defaults());
            }

            @Override
            public float[][] embedTexts(List<String> texts) {
                return model.embedTexts(texts);
            }
        };
    }

    private void assertMistake(String nodes, String edges, String message) {
        assertThatThrownBy(() -> read(nodes, edges)).isInstanceOf(UserInputException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    private Graph read(String nodes, String edges) throws Exception {
        Files.writeString(dir.resolve("nodes.jsonl"), nodes);
        Files.writeString(dir.resolve("edges.jsonl"), edges);
        return GraphFiles.read(dir.resolve("nodes.jsonl"), dir.resolve("edges.jsonl"));
    }
}
