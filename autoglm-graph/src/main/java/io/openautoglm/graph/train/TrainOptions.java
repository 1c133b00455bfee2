package io.openautoglm.graph.train;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.openautoglm.core.UserInputException;

/**
 * How a graph model is trained: full batch when {@code batchSize} is 0, otherwise mini-batches of
 * seed nodes with neighbour sampling ({@code fanout} edges per node per hop, one entry per layer).
 * {@code balanced} weighs each class by the inverse of its share of the training nodes, so 2% fraud
 * counts as much as the 98% it hides among.
 */
public record TrainOptions(@JsonProperty("epochs") int epochs, @JsonProperty("learning_rate") double learningRate,
        @JsonProperty("weight_decay") double weightDecay, @JsonProperty("seed") long seed,
        @JsonProperty("batch_size") int batchSize, @JsonProperty("fanout") int[] fanout,
        @JsonProperty("balanced") boolean balanced) {
    public TrainOptions {
        if (epochs < 1) {
            throw new UserInputException("epochs must be >= 1, got " + epochs);
        }
        if (!(learningRate > 0)) {
            throw new UserInputException("learning_rate must be > 0, got " + learningRate);
        }
        if (weightDecay < 0) {
            throw new UserInputException("weight_decay must be >= 0, got " + weightDecay);
        }
        if (batchSize < 0) {
            throw new UserInputException("batch_size must be >= 0 (0: full batch), got " + batchSize);
        }
        fanout = fanout == null ? new int[] {10, 10} : fanout.clone();
        for (int f : fanout) {
            if (f < 1) {
                throw new UserInputException("every fanout must be >= 1, got " + java.util.Arrays.toString(fanout));
            }
        }
    }

    public static TrainOptions defaults(long seed) {
        return new TrainOptions(200, 0.01, 5e-4, seed, 0, null, true);
    }

    public TrainOptions withEpochs(int n) {
        return new TrainOptions(n, learningRate, weightDecay, seed, batchSize, fanout, balanced);
    }

    public TrainOptions withSampling(int batch, int[] fanouts) {
        return new TrainOptions(epochs, learningRate, weightDecay, seed, batch, fanouts, balanced);
    }
}
