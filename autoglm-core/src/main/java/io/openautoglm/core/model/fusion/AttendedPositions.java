package io.openautoglm.core.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.ParamBlock;

/**
 * Where each text token looked: after the fusion encoder's first layer, every text token gains the
 * position features ({@link ImagePositions#features}) of the picture tokens its cross-attention
 * weighed, averaged with those weights over the heads, through a learned matrix that starts at
 * zero. A word that found its object (the grounding loss trains that) then carries the object's
 * place in its own state, where the next layer can compare it with another word's: the relation
 * questions need exactly that, and a picture token's features say what it shows far more than
 * where it is.
 */
public final class AttendedPositions extends ParamBlock {
    private final Parameter weight; // (D, F)

    public AttendedPositions(int width) {
        weight = param("weight", Parameter.Type.WEIGHT, new Shape(width, ImagePositions.FEATURES), new ConstantInitializer(0f));
    }

    /**
     * @param x text token states (B, T, D)
     * @param attention the first layer's cross-attention weights, averaged over heads (B, T, M)
     * @return (B, T, D): x plus the looked-at position's features, mapped to the width
     */
    public NDArray apply(ParameterStore store, NDArray x, NDArray attention, boolean training) {
        long tokens = attention.getShape().get(2);
        NDArray f = attention.getManager().create(ImagePositions.features(tokens), new Shape(tokens, ImagePositions.FEATURES)); // (M, F)
        NDArray looked = attention.matMul(f); // (B, T, F)
        return x.add(looked.matMul(value(store, weight, x, training).transpose())); // (B, T, D)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), training));
    }
}
