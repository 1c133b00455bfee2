package io.openautoglm.graph.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import io.openautoglm.core.nn.Dense;

/**
 * Graph attention (Veličković et al.): per head, e_ij = LeakyReLU(aᵀ[W h_i ‖ W h_j]) over i's
 * neighbours and itself, softmax over j, h'_i = Σ_j α_ij W h_j; heads concatenated.
 */
public final class GatLayer extends GraphLayer {
    private final Dense project; // (heads*width, in)
    private final Parameter attendSource; // (heads, width)
    private final Parameter attendTarget; // (heads, width)
    private final Parameter bias; // (heads*width)
    private final int heads;
    private final int width;

    public GatLayer(int in, int heads, int width) {
        this.heads = heads;
        this.width = width;
        project = child("project", new Dense(in, heads * width, false, glorot(in, heads * width)));
        attendSource = param("attend_source", Parameter.Type.WEIGHT, new Shape(heads, width), new NormalInitializer(glorot(width, 1)));
        attendTarget = param("attend_target", Parameter.Type.WEIGHT, new Shape(heads, width), new NormalInitializer(glorot(width, 1)));
        bias = param("bias", Parameter.Type.BIAS, new Shape(heads * width), ai.djl.training.initializer.Initializer.ZEROS);
    }

    @Override
    public NDArray apply(ParameterStore store, NDArray x, GraphTensors graph, boolean training) {
        long n = x.getShape().get(0);
        NDArray h = project.apply(store, x, training).reshape(n, heads, width); // (N, H, F)
        NDArray scoreSource = h.mul(value(store, attendSource, x, training)).sum(new int[] {2}); // (N, H)
        NDArray scoreTarget = h.mul(value(store, attendTarget, x, training)).sum(new int[] {2}); // (N, H)
        NDArray src = graph.loopSourceIndex(); // (E)
        NDArray dst = graph.loopTargetIndex(); // (E)
        NDArray score = Activation.leakyRelu(GraphTensors.gather(scoreSource, src)
                .add(GraphTensors.gather(scoreTarget, dst)), 0.2f); // (E, H)
        // Softmax is unchanged by any shift that is constant within a target's edges; the global
        // maximum (no gradient needed) is one, and keeps exp from overflowing.
        NDArray shifted = score.sub(score.max().stopGradient()).exp(); // (E, H)
        NDArray denominator = graph.loopIncidence().matMul(shifted); // (N, E) sparse x (E, H) -> (N, H)
        NDArray alpha = shifted.div(GraphTensors.gather(denominator, dst)); // (E, H), sums to 1 per target
        NDArray messages = GraphTensors.gather(h, src).mul(alpha.expandDims(2)); // (E, H, F)
        NDArray summed = graph.loopIncidence().matMul(messages.reshape(-1, (long) heads * width)); // (N, H*F)
        return summed.add(value(store, bias, x, training)); // (N, H*F)
    }

    @Override
    public int outWidth() {
        return heads * width;
    }
}
