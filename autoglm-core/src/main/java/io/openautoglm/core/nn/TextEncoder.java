package io.openautoglm.core.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.training.ParameterStore;

/**
 * What the dual encoder asks of a text tower, whatever its architecture (CLIP's causal transformer
 * pooled at the end token, BERT's bidirectional one pooled at [CLS]).
 */
public interface TextEncoder {
    /** token ids (B, T) int64 -> every token's final state (B, T, D). */
    NDArray tokens(ParameterStore store, NDArray ids, boolean training);

    /** token states (B, T, D), ids (B, T) -> one state per text (B, D), the one the projection reads. */
    NDArray pool(ParameterStore store, NDArray states, NDArray ids, boolean training);

    /** (B, 1, 1, T) additive mask: 0 on the tokens of each text, a large negative number on its padding. */
    NDArray paddingMask(NDArray ids);
}
