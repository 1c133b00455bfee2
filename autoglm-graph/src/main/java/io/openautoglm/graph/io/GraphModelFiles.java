package io.openautoglm.graph.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.Provenance;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.checkpoint.SafetensorsWriter;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.FileTrees;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.graph.data.NodeFeatures;
import io.openautoglm.graph.nn.GraphModel;
import io.openautoglm.graph.nn.GraphModelConfig;
import io.openautoglm.graph.train.TrainOptions;
import io.openautoglm.graph.train.TrainedGraphModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained graph model's directory: {@code config.json} (the model, its feature columns, label and
 * relation names, the training options), {@code model.safetensors} and {@code provenance.json}.
 * The directory is staged beside its target and renamed into place, so a reader sees the old
 * model or the new one, never a mixture.
 */
public final class GraphModelFiles {
    public static final String FORMAT = "open-autoglm-graph";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private GraphModelFiles() {}

    /** Everything config.json holds. */
    public record Description(String format, GraphModelConfig model, NodeFeatures features, List<String> labels,
            List<String> relations, TrainOptions training) {}

    /** A model read back: what it is and its weights. */
    public record Loaded(Description description, TrainedGraphModel trained, Provenance provenance, Path directory)
            implements AutoCloseable {
        /** The edges this model passes messages along over {@code graph}: its files' edges, and the learned ones it was trained with. */
        public io.openautoglm.graph.nn.EdgeList edges(io.openautoglm.graph.data.Graph graph) {
            List<String> relations = description.relations();
            io.openautoglm.graph.nn.EdgeList given = io.openautoglm.graph.nn.EdgeList.of(graph, relations);
            Path learned = directory.resolve(LearnedEdges.FILE);
            if (!relations.contains(LearnedEdges.RELATION) || !Files.isRegularFile(learned)) {
                return given;
            }
            return LearnedEdges.union(given, LearnedEdges.read(learned, graph, relations.indexOf(LearnedEdges.RELATION),
                    given.relationCount()));
        }

        @Override
        public void close() {
            trained.close();
        }
    }

    /** Writes one more file into the staged directory before it is renamed into place. */
    @FunctionalInterface
    public interface ExtraFile {
        void writeInto(Path stagedDir) throws IOException;
    }

    public static void save(Path dir, Description description, GraphModel model, ObjectNode details) throws IOException {
        save(dir, description, model, details, staged -> { });
    }

    public static void save(Path dir, Description description, GraphModel model, ObjectNode details, ExtraFile extra)
            throws IOException {
        saveStaged(dir, FORMAT, description, model.namedParameters(), details, extra);
    }

    /**
     * The model-folder writer every graph model shares (GCN and friends here, the recommendation
     * rankers in graph.recsys): model.safetensors (tagged with {@code format}), config.json from
     * {@code description}, provenance.json with the weights' SHA-256, and {@code extra}, all into a
     * staged sibling of {@code dir} that is then renamed over it, so a crash leaves the old folder or
     * the new one, never half of one.
     */
    public static void saveStaged(Path dir, String format, Object description, Map<String, Parameter> parameters,
            ObjectNode details, ExtraFile extra) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        Path parent = target.getParent();
        Files.createDirectories(parent);
        Path stage = Files.createTempDirectory(parent, "." + target.getFileName() + ".staging-");
        try {
            Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
            parameters.forEach((name, p) -> {
                NDArray a = p.getArray();
                tensors.put(name, new SafetensorsWriter.Tensor(a.getShape().getShape(), a.toFloatArray()));
            });
            Path weights = stage.resolve("model.safetensors");
            SafetensorsWriter.write(weights, tensors, Map.of("format", format));
            AtomicFiles.writeString(stage.resolve("config.json"), JSON.writeValueAsString(description));
            Provenance provenance = Provenance.ofDetails(details).stampedNow().withWeightsSha256(Sha256.of(weights));
            AtomicFiles.writeString(stage.resolve("provenance.json"), JSON.writeValueAsString(provenance.toJson()));
            extra.writeInto(stage);
            swapInto(stage, target);
        } finally {
            if (Files.exists(stage)) {
                FileTrees.delete(stage);
            }
        }
    }

    /** Renames the staged directory over the target; an existing target is moved aside first, then deleted. */
    private static void swapInto(Path stage, Path target) throws IOException {
        Path aside = null;
        if (Files.exists(target)) {
            aside = target.resolveSibling("." + target.getFileName() + ".old-" + System.nanoTime());
            Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
        if (aside != null) {
            FileTrees.delete(aside);
        }
    }

    public static Loaded load(Path dir) {
        Path config = dir.resolve("config.json");
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(config) || !Files.isRegularFile(weights)) {
            throw new UserInputException(dir + " is not a graph model directory (config.json and model.safetensors): "
                    + "train one with autoglm graph train --out " + dir);
        }
        Description description;
        Provenance provenance;
        try {
            description = JSON.readValue(config.toFile(), Description.class);
            Path p = dir.resolve("provenance.json");
            provenance = Files.isRegularFile(p) ? Provenance.fromJson(JSON.readTree(p.toFile())) : Provenance.none();
        } catch (IOException e) {
            throw new UserInputException("cannot read " + config + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(description.format())) {
            throw new UserInputException(config + " is not a graph model (format '" + description.format() + "', expected '"
                    + FORMAT + "')");
        }
        NDManager manager = TorchRuntime.engine().newBaseManager();
        try {
            GraphModel model = new GraphModel(description.model()).initialized(manager);
            TorchRuntime.stopRecordingGradients();
            try (SafetensorsReader reader = SafetensorsReader.open(weights)) {
                for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                    if (!reader.contains(e.getKey())) {
                        throw new UserInputException(weights + " has no tensor '" + e.getKey() + "' for this " + description.model().kind()
                                + " model");
                    }
                    NDArray array = e.getValue().getArray();
                    try (NDManager scope = manager.newSubManager()) {
                        array.set(new NDIndex("..."), scope.create(reader.readFloats(e.getKey()), array.getShape()));
                    }
                }
            }
            return new Loaded(description, new TrainedGraphModel(manager, model), provenance, dir);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
