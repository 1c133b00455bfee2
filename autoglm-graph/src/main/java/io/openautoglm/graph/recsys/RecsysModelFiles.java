package io.openautoglm.graph.recsys;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.graph.io.GraphModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trained ranker's directory: {@code config.json} (format, ranker shape, training options, the user
 * ids in index order), {@code model.safetensors} and {@code provenance.json}; staged beside the target
 * and renamed into place, so a reader sees the old ranker or the new one.
 */
public final class RecsysModelFiles {
    public static final String FORMAT = "open-autoglm-recsys";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RecsysModelFiles() {}

    public record Description(String format, RecsysConfig model, RecsysTrainer.Options training, List<String> users) {}

    public static void save(Path dir, Description description, RecsysModel model, ObjectNode details) throws IOException {
        GraphModelFiles.saveStaged(dir, FORMAT, description, model.namedParameters(), details, staged -> { });
    }

    /** Loads a ranker to score {@code data}, whose users must be the ones it was trained on, in the same order. */
    public static TrainedRanker load(Path dir, RecsysData data) {
        Path config = dir.resolve("config.json");
        Path weights = dir.resolve("model.safetensors");
        if (!Files.isRegularFile(config) || !Files.isRegularFile(weights)) {
            throw new UserInputException(dir + " is not a ranker directory (config.json and model.safetensors): train one with "
                    + "autoglm graph recommend train --out " + dir);
        }
        Description description;
        try {
            description = JSON.readValue(config.toFile(), Description.class);
        } catch (IOException e) {
            throw new UserInputException("cannot read " + config + ": " + e.getMessage(), e);
        }
        if (!FORMAT.equals(description.format())) {
            throw new UserInputException(config + " is not a ranker (format '" + description.format() + "', expected '" + FORMAT + "')");
        }
        if (!description.users().equals(data.userIds())) {
            throw new UserInputException("the ranker in " + dir + " was trained on other users than this data's: evaluate it on "
                    + "the folder it was trained on");
        }
        if (description.model().featureWidth() != data.featureWidth()) {
            throw new UserInputException("the ranker expects " + description.model().featureWidth() + " item features, the data has "
                    + data.featureWidth());
        }
        NDManager manager = TorchRuntime.engine().newBaseManager();
        try {
            RecsysModel model = new RecsysModel(description.model()).initialized(manager);
            TorchRuntime.stopRecordingGradients();
            try (SafetensorsReader reader = SafetensorsReader.open(weights)) {
                for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
                    if (!reader.contains(e.getKey())) {
                        throw new UserInputException(weights + " has no tensor '" + e.getKey() + "'");
                    }
                    NDArray array = e.getValue().getArray();
                    try (NDManager scope = manager.newSubManager()) {
                        array.set(new NDIndex("..."), scope.create(reader.readFloats(e.getKey()), array.getShape()));
                    }
                }
            }
            return new TrainedRanker(manager, model, data);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }
}
