package io.openautoglm.graph;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.openautoglm.core.UserInputException;
import io.openautoglm.graph.train.TrainOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The YAML of {@code autoglm graph train --config}: every key optional, unknown keys are errors.
 * <pre>
 * hidden: 32          # state width
 * layers: 2           # rounds of message passing
 * heads: 4            # GAT
 * bases: 4            # R-GCN basis matrices
 * dropout: 0.1
 * epochs: 200
 * learning_rate: 0.01
 * weight_decay: 0.0005
 * batch_size: 0       # 0: full batch; else seed nodes per step with neighbour sampling
 * fanout: [10, 10]    # sampled edges per node per hop
 * balanced: true      # class weights against imbalance
 * baseline: true      # also train the feature-only MLP, saved under baseline/
 * structure: given    # given | learned (metric kNN added to the given edges, see docs/graph.md)
 * structure_k: 8      # neighbours per node of the learned graph
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record GraphTrainConfig(@JsonProperty("hidden") Integer hidden, @JsonProperty("layers") Integer layers,
        @JsonProperty("heads") Integer heads, @JsonProperty("bases") Integer bases, @JsonProperty("dropout") Float dropout,
        @JsonProperty("epochs") Integer epochs, @JsonProperty("learning_rate") Double learningRate,
        @JsonProperty("weight_decay") Double weightDecay, @JsonProperty("batch_size") Integer batchSize,
        @JsonProperty("fanout") int[] fanout, @JsonProperty("balanced") Boolean balanced,
        @JsonProperty("baseline") Boolean baseline, @JsonProperty("structure") String structure,
        @JsonProperty("structure_k") Integer structureK) {
    public GraphTrainConfig {
        hidden = hidden == null ? 32 : hidden;
        layers = layers == null ? 2 : layers;
        heads = heads == null ? 4 : heads;
        bases = bases == null ? 4 : bases;
        dropout = dropout == null ? 0.1f : dropout;
        epochs = epochs == null ? 200 : epochs;
        learningRate = learningRate == null ? 0.01 : learningRate;
        weightDecay = weightDecay == null ? 5e-4 : weightDecay;
        batchSize = batchSize == null ? 0 : batchSize;
        balanced = balanced == null || balanced;
        baseline = baseline == null || baseline;
        structure = structure == null ? "given" : structure;
        structureK = structureK == null ? 8 : structureK;
        if (!structure.equals("given") && !structure.equals("learned")) {
            throw new UserInputException("structure must be 'given' or 'learned', got '" + structure + "'");
        }
        if (structureK < 1) {
            throw new UserInputException("structure_k must be >= 1, got " + structureK);
        }
    }

    public static GraphTrainConfig defaults() {
        return new GraphTrainConfig(null, null, null, null, null, null, null, null, null, null, null, null, null, null);
    }

    public static GraphTrainConfig read(Path yaml) {
        if (!Files.isRegularFile(yaml)) {
            throw new UserInputException("config file " + yaml + " does not exist");
        }
        try {
            GraphTrainConfig c = new ObjectMapper(new YAMLFactory())
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(yaml.toFile(), GraphTrainConfig.class);
            return c == null ? defaults() : c;
        } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
            throw new UserInputException(yaml + ": unknown key '" + e.getPropertyName() + "' (see docs/graph.md for the keys)");
        } catch (IOException e) {
            Throwable root = e.getCause() instanceof UserInputException u ? u : e;
            throw new UserInputException(yaml + ": " + root.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    public TrainOptions options(long seed) {
        return new TrainOptions(epochs, learningRate, weightDecay, seed, batchSize, fanout, balanced);
    }

    public GraphTrainConfig withEpochs(int n) {
        return new GraphTrainConfig(hidden, layers, heads, bases, dropout, n, learningRate, weightDecay, batchSize, fanout,
                balanced, baseline, structure, structureK);
    }
}
