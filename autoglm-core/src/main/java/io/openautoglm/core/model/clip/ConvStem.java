package io.openautoglm.core.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.ParamBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * A convolutional stem in place of the patch convolution: log2(P) convolutions of 3x3, stride 2,
 * padding 1, each followed by ReLU and doubling the channels, reach the same P-times smaller grid;
 * a linear map then gives the token width. Overlapping small kernels see edges and corners at any
 * offset from the patch grid, which a tiny transformer trained on few pictures learns only slowly
 * from whole patches.
 */
public final class ConvStem extends ParamBlock {
    private final List<Parameter> weights = new ArrayList<>(); // (C_i, C_{i-1}, 3, 3)
    private final List<Parameter> biases = new ArrayList<>(); // (C_i)
    private final Parameter projectionWeight; // (D, C_last)
    private final Parameter projectionBias; // (D)
    private final int lastChannels;

    /**
     * @param channels input channels (3)
     * @param patchSize a power of two: the grid is the image side over it
     * @param width D, the token width
     */
    public ConvStem(int channels, int patchSize, int width) {
        int stages = Integer.numberOfTrailingZeros(patchSize);
        int in = channels;
        for (int i = 0; i < stages; i++) {
            int out = Math.max(8, width >> (stages - i)); // D/2^k ... D/2
            weights.add(param(i + ".weight", Parameter.Type.WEIGHT, new Shape(out, in, 3, 3),
                    new NormalInitializer((float) Math.sqrt(2.0 / (in * 9))))); // He init for ReLU
            biases.add(param(i + ".bias", Parameter.Type.BIAS, new Shape(out), new ConstantInitializer(0f)));
            in = out;
        }
        lastChannels = in;
        projectionWeight = param("proj.weight", Parameter.Type.WEIGHT, new Shape(width, in),
                new NormalInitializer((float) Math.sqrt(1.0 / in)));
        projectionBias = param("proj.bias", Parameter.Type.BIAS, new Shape(width), new ConstantInitializer(0f));
    }

    /** pixels (B, C, S, S) -> tokens (B, (S/P)^2, D), row by row like the patch grid. */
    public NDArray apply(ParameterStore store, NDArray pixels, boolean training) {
        NDArray x = pixels;
        for (int i = 0; i < weights.size(); i++) {
            x = Conv2d.conv2d(x, value(store, weights.get(i), pixels, training), value(store, biases.get(i), pixels, training),
                    new Shape(2, 2), new Shape(1, 1)).singletonOrThrow(); // (B, C_i, S/2^(i+1), S/2^(i+1))
            x = Activation.relu(x);
        }
        long b = x.getShape().get(0);
        long g = x.getShape().get(2);
        NDArray tokens = x.transpose(0, 2, 3, 1).reshape(b, g * g, lastChannels); // (B, N, C_last)
        return Linear.linear(tokens, value(store, projectionWeight, pixels, training),
                value(store, projectionBias, pixels, training)).singletonOrThrow(); // (B, N, D)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}
