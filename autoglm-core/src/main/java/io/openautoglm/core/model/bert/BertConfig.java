package io.openautoglm.core.model.bert;

import io.openautoglm.core.nn.Activation;

/**
 * The shape of a BERT text tower (Hugging Face {@code BertModel} / {@code ChineseCLIPTextModel}).
 * Validation of the numbers is the caller's (the dual encoder's config checks them once).
 *
 * @param maxPositions rows of the learned position table (max_position_embeddings)
 * @param typeVocabSize rows of the token-type table; every token is type 0 here (single texts)
 * @param padId the [PAD] id: those tokens are masked out of attention
 * @param pooler whether the pooled state is BertModel's pooler, tanh(dense([CLS])) (as
 *     VisionTextDualEncoderModel reads it), instead of [CLS] of the last hidden state itself (ChineseCLIPModel)
 */
public record BertConfig(int vocabSize, int maxPositions, int typeVocabSize, int width, int layers, int heads, int mlpSize,
        Activation activation, float layerNormEps, int padId, boolean pooler) {}
