package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL block whose parameters all have their shapes fixed at construction and are named after
 * checkpoint keys ({@code "self_attn.q_proj.weight"}), so a model can list its weights by the
 * names a checkpoint uses and load them without shape inference.
 */
public abstract class ParamBlock extends AbstractBlock {
    private final Map<String, Parameter> ownParams = new LinkedHashMap<>();
    private final Map<String, ParamBlock> namedChildren = new LinkedHashMap<>();

    protected ParamBlock() {
        super((byte) 1);
    }

    /** Registers a child block under its checkpoint prefix ("encoder.layers.0"). */
    protected <B extends ParamBlock> B child(String checkpointPrefix, B block) {
        namedChildren.put(checkpointPrefix, block);
        return addChildBlock(checkpointPrefix.replace('.', '_'), block);
    }

    /** Registers a parameter under its checkpoint key relative to this block ("weight"). */
    protected Parameter param(String checkpointKey, Parameter.Type type, Shape shape, Initializer init) {
        Parameter p = addParameter(Parameter.builder()
                .setName(checkpointKey)
                .setType(type)
                .optShape(shape)
                .optInitializer(init)
                .build());
        ownParams.put(checkpointKey, p);
        return p;
    }

    /** Every parameter below this block, keyed by its full checkpoint name, in definition order. */
    public Map<String, Parameter> namedParameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Parameter> out) {
        ownParams.forEach((k, p) -> out.put(prefix + k, p));
        namedChildren.forEach((k, c) -> c.collect(prefix + k + ".", out));
    }

    /** The value of a parameter for this forward pass (device copy when training on several). */
    protected static NDArray value(ParameterStore store, Parameter p, NDArray like, boolean training) {
        return store.getValue(p, like.getDevice(), training);
    }

    /**
     * Hands an array computed from a parameter (a reshape, a slice, an exp) to the manager of the
     * forward pass's input, so it is freed with the pass instead of living as long as the weights.
     */
    protected static NDArray scoped(NDArray derived, NDArray like) {
        derived.attach(like.getManager());
        return derived;
    }

    /**
     * A scalar owned by the forward pass's manager. Use it instead of {@code x.mul(float)}: DJL
     * wraps such a number in a tensor over a Java direct buffer and closes it right after the op,
     * but autograd keeps that tensor for the backward pass, which then reads freed memory (rare,
     * garbage gradients that depend on when the garbage collector runs).
     */
    public static NDArray constant(NDArray like, float value) {
        return like.getManager().create(value);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // Shapes are fixed at construction, so children need no input shapes.
        for (Block child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected abstract NDList forwardInternal(
            ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params);
}
