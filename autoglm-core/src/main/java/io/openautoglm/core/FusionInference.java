package io.openautoglm.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.clip.ClipImageProcessor;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.model.clip.ClipTokenizer;
import io.openautoglm.core.model.fusion.CaptionSearch;
import java.util.ArrayList;
import java.util.List;

/**
 * The understanding half of a model with fusion heads: does this text describe this picture
 * exactly (matching), what is the answer to a question about it, and a caption for it. Obtained
 * from the model facade's {@code fusion()}, which hands over its network, tokenizer and image
 * processor (this class knows none of the facade: the dependency runs one way); thread-safe like
 * the model (each call owns its memory in a sub-manager of {@code manager}).
 */
public final class FusionInference {
    private final NDManager manager; // the weights' manager; calls open sub-managers of it
    private final ClipModel network;
    private final ClipTokenizer tokenizer;
    private final ClipImageProcessor processor;

    FusionInference(NDManager manager, ClipModel network, ClipTokenizer tokenizer, ClipImageProcessor processor) {
        this.manager = manager;
        this.network = network;
        this.tokenizer = tokenizer;
        this.processor = processor;
    }

    /** An answer with its probability, and the runners-up. */
    public record Answer(String answer, float score, List<ZeroShotResult.LabelScore> top) {}

    /** Probability that {@code text} describes {@code image}, from the matching head. */
    public float match(RgbImage image, String text) {
        return matchScores(image, List.of(text))[0];
    }

    /** Matching probability of each text with one image (re-ranking a text list). */
    public float[] matchScores(RgbImage image, List<String> texts) {
        List<RgbImage> images = new ArrayList<>();
        texts.forEach(t -> images.add(image));
        return matchPairs(images, texts);
    }

    /** Matching probability of each (image i, text i) pair. */
    public float[] matchPairs(List<RgbImage> images, List<String> texts) {
        if (images.size() != texts.size()) {
            throw new IllegalArgumentException(images.size() + " images for " + texts.size() + " texts");
        }
        if (images.isEmpty()) {
            return new float[0];
        }
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore store = new ParameterStore(scope, false);
            NDArray imageTokens = network.imageTokens(store, pixels(scope, images), false); // (B, N + 1, Dv)
            NDArray ids = textIds(scope, texts); // (B, T)
            NDArray pairs = network.fuse(store, network.textTokens(store, ids, false), ids, imageTokens, false); // (B, Dt)
            NDArray p = network.matchLogits(store, pairs, false).softmax(-1).get(":, 1"); // (B)
            return p.toFloatArray();
        }
    }

    /** The answer to {@code question} about {@code image}, with its probability and the top 5. */
    public Answer answer(RgbImage image, String question) {
        return answers(List.of(image), List.of(question)).get(0);
    }

    /** One answer per (image i, question i). */
    public List<Answer> answers(List<RgbImage> images, List<String> questions) {
        if (images.size() != questions.size()) {
            throw new IllegalArgumentException(images.size() + " images for " + questions.size() + " questions");
        }
        List<String> vocabulary = network.config().fusion().answers();
        List<Answer> out = new ArrayList<>();
        if (images.isEmpty()) {
            return out;
        }
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore store = new ParameterStore(scope, false);
            NDArray imageTokens = network.imageTokens(store, pixels(scope, images), false); // (B, N + 1, Dv)
            NDArray ids = textIds(scope, questions); // (B, T)
            NDArray pairs = network.fuse(store, network.textTokens(store, ids, false), ids, imageTokens, false); // (B, Dt)
            float[] p = network.answerLogits(store, pairs, false).softmax(-1).toFloatArray(); // (B, A)
            int a = vocabulary.size();
            for (int i = 0; i < images.size(); i++) {
                List<ZeroShotResult.LabelScore> ranked = new ArrayList<>();
                for (int j = 0; j < a; j++) {
                    ranked.add(new ZeroShotResult.LabelScore(vocabulary.get(j), p[i * a + j]));
                }
                ranked.sort((x, y) -> Float.compare(y.score(), x.score()));
                out.add(new Answer(ranked.get(0).label(), ranked.get(0).score(), List.copyOf(ranked.subList(0, Math.min(5, a)))));
            }
        }
        return out;
    }

    /** A caption per image, by greedy decoding ({@code options.beamSize() == 1}) or beam search. */
    public List<String> caption(List<RgbImage> images, CaptionSearch.Options options) {
                var text = network.config().text();
        int maxLength = Math.min(options.maxLength(), text.contextLength());
        List<String> out = new ArrayList<>();
        for (RgbImage image : images) {
            try (NDManager scope = manager.newSubManager()) {
                ParameterStore store = new ParameterStore(scope, false);
                NDArray imageTokens = network.imageTokens(store, pixels(scope, List.of(image)), false); // (1, N + 1, Dv)
                CaptionSearch search = new CaptionSearch(text.bosId(), text.eosId(), text.vocabSize(),
                        List.of(text.padId(), text.bosId(), unknownId(tokenizer)));
                long[] best = search.run(options.withMaxLength(maxLength), prefixes -> {
                    try (NDManager step = scope.newSubManager()) {
                        int k = prefixes.length;
                        int t = prefixes[0].length;
                        long[] flat = new long[k * t];
                        for (int i = 0; i < k; i++) {
                            System.arraycopy(prefixes[i], 0, flat, i * t, t);
                        }
                        NDArray ids = step.create(flat, new Shape(k, t)); // (K, t)
                        NDArray memory = imageTokens.repeat(0, k); // (K, N + 1, Dv)
                        NDArray logits = network.captionLogits(store, ids, memory, false); // (K, t, V)
                        return logits.get(":, -1, :").logSoftmax(-1).toFloatArray(); // (K, V)
                    }
                });
                out.add(tokenizer.decode(best));
            }
        }
        return out;
    }

    /** The id of an unknown-word token, which a caption should never contain, or -1. */
    private static int unknownId(ClipTokenizer tokenizer) {
        return tokenizer.tokenId("<unk>");
    }

    private NDArray pixels(NDManager scope, List<RgbImage> images) { // -> (B, 3, S, S)
        StopSignal.process().check(); // every forward starts here: a stopping job ends between batches
        int s = processor.config().imageSize();
        int per = 3 * s * s;
        float[] flat = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            System.arraycopy(processor.preprocess(images.get(i)), 0, flat, i * per, per);
        }
        return scope.create(flat, new Shape(images.size(), 3, s, s));
    }

    private NDArray textIds(NDManager scope, List<String> texts) { // -> (B, T)
                return scope.create(tokenizer.encodeBatch(texts), new Shape(texts.size(), tokenizer.contextLength()));
    }
}
