package io.openautoglm.core.model.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Norm;
import io.openautoglm.core.nn.ParamBlock;

/** BERT's input: word + position + token-type (always type 0) embeddings, then LayerNorm. Names as Hugging Face's. */
public final class BertEmbeddings extends ParamBlock {
    private final Parameter words; // (V, D)
    private final Parameter positions; // (Tmax, D)
    private final Parameter tokenTypes; // (K, D)
    private final Norm norm;

    public BertEmbeddings(BertConfig config) {
        int d = config.width();
        words = param("word_embeddings.weight", Parameter.Type.WEIGHT, new Shape(config.vocabSize(), d), new NormalInitializer(0.02f));
        positions = param("position_embeddings.weight", Parameter.Type.WEIGHT, new Shape(config.maxPositions(), d),
                new NormalInitializer(0.02f));
        tokenTypes = param("token_type_embeddings.weight", Parameter.Type.WEIGHT, new Shape(config.typeVocabSize(), d),
                new NormalInitializer(0.02f));
        norm = child("LayerNorm", new Norm(d, config.layerNormEps()));
    }

    /** token ids (B, T) int64 -> (B, T, D). */
    public NDArray apply(ParameterStore store, NDArray ids, boolean training) {
        long t = ids.getShape().get(1);
        NDArray x = Embedding.embedding(ids, value(store, words, ids, training), SparseFormat.DENSE).singletonOrThrow(); // (B, T, D)
        x = x.add(scoped(value(store, positions, ids, training).get("0:" + t), ids)); // (B, T, D)
        x = x.add(scoped(value(store, tokenTypes, ids, training).get("0:1"), ids)); // (B, T, D) + (1, D): type 0
        return norm.apply(store, x, training); // (B, T, D)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(apply(store, inputs.singletonOrThrow(), training));
    }
}
