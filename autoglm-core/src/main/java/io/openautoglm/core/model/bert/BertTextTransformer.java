package io.openautoglm.core.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Dense;
import io.openautoglm.core.nn.ParamBlock;
import io.openautoglm.core.nn.TextEncoder;
import java.util.ArrayList;
import java.util.List;

/**
 * A BERT text tower: embeddings, post-norm bidirectional layers with padding masked, pooled at the
 * [CLS] token (the first) of the last hidden state, as ChineseCLIPModel reads it; or through
 * BertModel's pooler, tanh(dense([CLS])), when the config says so. Names follow Hugging Face's
 * {@code BertModel} ({@code embeddings.*}, {@code encoder.layer.<i>.*}, {@code pooler.dense}).
 */
public final class BertTextTransformer extends ParamBlock implements TextEncoder {
    private final BertConfig config;
    private final BertEmbeddings embeddings;
    private final List<BertLayer> layers = new ArrayList<>();
    private final Dense pooler; // (D, D), null without BertModel's pooler

    public BertTextTransformer(BertConfig config) {
        this.config = config;
        embeddings = child("embeddings", new BertEmbeddings(config));
        for (int i = 0; i < config.layers(); i++) {
            layers.add(child("encoder.layer." + i,
                    new BertLayer(config.width(), config.heads(), config.mlpSize(), config.activation(), config.layerNormEps())));
        }
        pooler = config.pooler() ? child("pooler.dense", new Dense(config.width(), config.width(), true, 0.02f)) : null;
    }

    /** token ids (B, T) int64 -> pooled state (B, D). */
    public NDArray apply(ParameterStore store, NDArray ids, boolean training) {
        return pool(store, tokens(store, ids, training), ids, training); // (B, D)
    }

    @Override
    public NDArray tokens(ParameterStore store, NDArray ids, boolean training) {
        NDArray mask = paddingMask(ids); // (B, 1, 1, T)
        NDArray x = embeddings.apply(store, ids, training); // (B, T, D)
        if (training) {
            for (BertLayer layer : layers) {
                x = layer.apply(store, x, mask, true); // (B, T, D)
            }
            return x;
        }
        // Inference: each layer's intermediates live in a sub-manager freed when the layer ends.
        NDManager owner = x.getManager();
        for (BertLayer layer : layers) {
            NDArray next;
            try (NDManager step = owner.newSubManager()) {
                x.tempAttach(step);
                next = layer.apply(store, x, mask, false); // (B, T, D)
                next.attach(owner);
            }
            x.close();
            x = next;
        }
        return x; // (B, T, D)
    }

    @Override
    public NDArray pool(ParameterStore store, NDArray states, NDArray ids, boolean training) {
        NDArray cls = states.get(":, 0, :"); // (B, D)
        return pooler == null ? cls : pooler.apply(store, cls, training).tanh(); // (B, D)
    }

    @Override
    public NDArray paddingMask(NDArray ids) {
        long t = ids.getShape().get(1);
        NDArray padding = ids.eq(config.padId()).toType(DataType.FLOAT32, false); // (B, T) 1 on [PAD]
        return padding.mul(ids.getManager().create(-1e9f)).reshape(-1, 1, 1, t); // (B, 1, 1, T)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}
