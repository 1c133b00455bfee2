package io.openautoglm.search;

import io.openautoglm.core.MultimodalModel;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * How a search re-ranks: the top {@code top} candidates of the vector search are re-scored by
 * their stored full-precision vectors ({@link Kind#VECTORS}, {@link FullPrecisionScorer}) or by a
 * fusion model's image-text matching head ({@link Kind#MATCHING}, {@link MatchingScorer}) or by
 * FILIP's token-wise similarity with the index's own model ({@link Kind#FILIP}, {@link FilipRescorer}); a
 * {@code top} of 0 is no re-ranking. What {@code autoglm search} and {@code autoglm serve} build
 * from {@code --rerank N --reranker KIND}, so both re-rank the same way.
 */
public record Reranking(Kind kind, int top) {
    public static final Reranking NONE = new Reranking(Kind.VECTORS, 0);

    public enum Kind {
        VECTORS, MATCHING, FILIP;

        /** The name users type: {@code vectors}, {@code matching}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Optional<Kind> parse(String label) {
            return Arrays.stream(values()).filter(k -> k.label().equals(label)).findFirst();
        }
    }

    public Reranking {
        Objects.requireNonNull(kind, "kind");
        if (top < 0) {
            throw new IllegalArgumentException("re-ranking takes 0 or more candidates, got " + top);
        }
    }

    public boolean enabled() {
        return top > 0;
    }

    /** True when {@link #searcher} needs the index's model with its DJL towers (FILIP). */
    public boolean needsIndexModel() {
        return enabled() && kind == Kind.FILIP;
    }

    /** True when {@link #searcher} needs a model with fusion heads. */
    public boolean needsMatcher() {
        return enabled() && kind == Kind.MATCHING;
    }

    /**
     * The searcher over {@code index} that re-ranks this way.
     *
     * @param matcher a model with fusion heads when {@link #needsMatcher()}; otherwise ignored (may be null)
     */
    public Searcher searcher(VectorIndex index, MultimodalModel matcher) {
        return searcher(index, matcher, null);
    }

    /**
     * As {@link #searcher(VectorIndex, MultimodalModel)}.
     *
     * @param indexModel the index's own model when {@link #needsIndexModel()} (FILIP); otherwise ignored (may be null)
     */
    public Searcher searcher(VectorIndex index, MultimodalModel matcher, MultimodalModel indexModel) {
        if (!enabled()) {
            return Searcher.plain(index);
        }
        CandidateScorer scorer = switch (kind) {
            case VECTORS -> new FullPrecisionScorer(index);
            case MATCHING -> new MatchingScorer(Objects.requireNonNull(matcher,
                    "re-ranking with the matching head needs a model with fusion heads"));
            case FILIP -> new FilipRescorer(Objects.requireNonNull(indexModel, "re-ranking with FILIP needs the index's model"));
        };
        return new Searcher(index, scorer, top);
    }
}
