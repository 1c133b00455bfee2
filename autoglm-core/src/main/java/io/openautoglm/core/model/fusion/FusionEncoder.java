package io.openautoglm.core.model.fusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Activation;
import io.openautoglm.core.nn.Norm;
import io.openautoglm.core.nn.ParamBlock;
import java.util.ArrayList;
import java.util.List;

/**
 * The fusion encoder (ALBEF/BLIP style): the text tower's token states attend to each other
 * (both directions, padding masked) and to the image tokens, layer by layer; the state at the
 * end-of-text token then describes the pair, for matching and answering. The end token, not the
 * start token as in BERT: the text tower is causal, so only the end token has read the whole text
 * when fusion begins, and every layer's cross-attention there already asks what the text asks.
 */
public final class FusionEncoder extends ParamBlock {
    private final List<FusionLayer> layers = new ArrayList<>();
    private final Norm finalNorm;
    private final ImagePositions imagePositions; // null unless fusion.imagePositions()
    private final AttendedPositions attendedPositions; // null unless fusion.attendedPositions()

    /**
     * @param width the text tower's width D (the fused tokens are text tokens)
     * @param activation and {@code eps}: the text tower's feed-forward activation and layer-norm epsilon
     * @param imageWidth the vision tower's width Dv, what cross-attention reads
     */
    public FusionEncoder(int width, Activation activation, float eps, int imageWidth, FusionConfig fusion) {
        for (int i = 0; i < fusion.layers(); i++) {
            layers.add(child("layers." + i, new FusionLayer(width, imageWidth, fusion.heads(), fusion.mlpSize(),
                    activation, eps)));
        }
        finalNorm = child("final_layer_norm", new Norm(width, eps));
        imagePositions = fusion.imagePositions() ? child("image_positions", new ImagePositions(imageWidth)) : null;
        attendedPositions = fusion.attendedPositions() ? child("attended_positions", new AttendedPositions(width)) : null;
    }

    /**
     * @param text the text tower's token states (B, T, D)
     * @param keyMask (B, 1, 1, T): 0 on real tokens, a large negative number on padding
     * @param image image tokens (B, M, Dv)
     * @return every token's fused state (B, T, D), after the final LN; pool it at the end token
     */
    public NDArray apply(ParameterStore store, NDArray text, NDArray keyMask, NDArray image, boolean training) {
        return run(store, text, keyMask, image, false, training).get(0);
    }

    /**
     * As {@link #apply}, also returning where each text token looks in the picture in the first
     * layer: its cross-attention weights averaged over the heads (B, T, M). The grounding loss
     * trains them, so that the later layers can compare what each word found.
     */
    public NDList applyWithFirstCrossWeights(ParameterStore store, NDArray text, NDArray keyMask, NDArray image, boolean training) {
        return run(store, text, keyMask, image, true, training);
    }

    /** The layers; the first layer's head-averaged weights are computed only when asked for or when attended positions read them. */
    private NDList run(ParameterStore store, NDArray text, NDArray keyMask, NDArray image, boolean keepWeights, boolean training) {
        NDArray x = text;
        if (imagePositions != null) {
            image = imagePositions.apply(store, image, training); // (B, M, Dv)
        }
        NDArray firstWeights = null;
        for (int i = 0; i < layers.size(); i++) {
            NDList out = layers.get(i).applyWithCrossWeights(store, x, image, keyMask, training);
            x = out.get(0); // (B, T, D)
            if (i == 0 && (keepWeights || attendedPositions != null)) {
                firstWeights = out.get(1).mean(new int[] {1}); // (B, T, M)
                if (attendedPositions != null) {
                    x = attendedPositions.apply(store, x, firstWeights, training); // (B, T, D)
                }
            }
        }
        NDArray fused = finalNorm.apply(store, x, training); // (B, T, D)
        return keepWeights ? new NDList(fused, firstWeights) : new NDList(fused); // (B, T, D), (B, T, M)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.get(0), inputs.get(1), inputs.get(2), training));
    }
}
