package io.openautoglm.cli;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.graph.data.Graph;
import io.openautoglm.graph.data.GraphFiles;
import io.openautoglm.graph.data.NodeEncoder;
import io.openautoglm.graph.data.NodeFeatures;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The graph commands' shared inputs: the two JSONL files and the encoder for nodes with a picture or a text. */
final class GraphInputs {
    @Option(names = "--nodes", required = true, paramLabel = "FILE",
            description = "Nodes JSONL: {\"id\", \"type\"?, \"features\"?, \"image\"?, \"text\"?, \"label\"?, \"split\"?} per line.")
    Path nodes;

    @Option(names = "--edges", required = true, paramLabel = "FILE",
            description = "Edges JSONL: {\"source\", \"target\", \"relation\"?, \"weight\"?, \"time\"?} per line.")
    Path edges;

    @Option(names = "--encoder", paramLabel = "DIR",
            description = "CLIP model folder that embeds nodes with an \"image\" (relative to the nodes file) or a \"text\" "
                    + "but no \"features\" (needed only when such nodes exist).")
    Path encoder;

    /** Reads and validates the graph, embedding pictures and texts where nodes need it. */
    Graph read() {
        Graph graph = GraphFiles.read(nodes, edges);
        boolean needs = graph.nodes().stream().anyMatch(n -> n.features() == null && (n.image() != null || n.text() != null));
        if (!needs) {
            return graph;
        }
        if (encoder == null) {
            return NodeFeatures.embedMissing(graph, null, Path.of("."));
        }
        try (MultimodalModel model = MultimodalModel.load(encoder)) {
            NodeEncoder adapter = new NodeEncoder() {
                @Override
                public float[][] embedImageFiles(List<Path> files) {
                    return model.embedImageFiles(files, EmbedOptions.defaults());
                }

                @Override
                public float[][] embedTexts(List<String> texts) {
                    return model.embedTexts(texts);
                }
            };
            Path base = nodes.toAbsolutePath().getParent();
            return NodeFeatures.embedMissing(graph, adapter, base);
        }
    }
}
