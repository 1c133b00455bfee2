package io.openautoglm.search;

import io.openautoglm.core.UserInputException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A search with an optional re-ranking stage: the vector index proposes the top
 * {@code rerankTop} candidates, the scorer re-scores them, and the best {@code k} by the new
 * score come back. Without a scorer it is the index's own search.
 *
 * <p>Safe to share between threads (the HTTP server runs requests concurrently) when its index and
 * scorer are: both indexes allow concurrent reads, {@link FullPrecisionScorer} and
 * {@link MatchingScorer} keep no state between calls, and the model a matching scorer runs is
 * thread-safe (each call owns its native memory).
 */
public final class Searcher {
    private final VectorIndex index;
    private final CandidateScorer reranker;
    private final int rerankTop;

    /** @param reranker null for none; @param rerankTop candidates handed to it (0 with no reranker) */
    public Searcher(VectorIndex index, CandidateScorer reranker, int rerankTop) {
        if (reranker != null && rerankTop < 1) {
            throw new UserInputException("re-ranking needs at least 1 candidate, got " + rerankTop);
        }
        this.index = index;
        this.reranker = reranker;
        this.rerankTop = rerankTop;
    }

    public static Searcher plain(VectorIndex index) {
        return new Searcher(index, null, 0);
    }

    /** @param candidates graph search breadth, as in {@link VectorIndex#search(float[], int, Filter, int)} */
    public List<Hit> search(SearchQuery query, int k, Filter filter, int candidates) {
        if (reranker == null) {
            return index.search(query.vector(), k, filter, candidates);
        }
        int n = Math.max(k, rerankTop);
        List<Hit> pool = index.search(query.vector(), n, filter, Math.max(n, candidates));
        float[] scores = reranker.score(query, pool);
        if (scores.length != pool.size()) {
            throw new IllegalStateException("the re-ranker gave " + scores.length + " scores for " + pool.size() + " candidates");
        }
        List<Hit> rescored = new ArrayList<>(pool.size());
        for (int i = 0; i < pool.size(); i++) {
            rescored.add(pool.get(i).withScore(scores[i]));
        }
        rescored.sort(Comparator.comparingDouble(Hit::score).reversed()); // stable: ties keep the index's order
        return List.copyOf(rescored.subList(0, Math.min(k, rescored.size())));
    }
}
