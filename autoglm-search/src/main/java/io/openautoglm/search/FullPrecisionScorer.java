package io.openautoglm.search;

import java.util.List;
import org.apache.lucene.util.VectorUtil;

/**
 * Re-scores candidates with the exact cosine of their stored float vectors. An int8 HNSW index
 * ranks by quantized scores; re-scoring its top candidates recovers most of the lost order at the
 * cost of one vector read per candidate.
 */
public final class FullPrecisionScorer implements CandidateScorer {
    private final VectorIndex index;

    public FullPrecisionScorer(VectorIndex index) {
        this.index = index;
    }

    @Override
    public float[] score(SearchQuery query, List<Hit> candidates) {
        float[] scores = new float[candidates.size()];
        for (int i = 0; i < scores.length; i++) {
            Hit h = candidates.get(i);
            scores[i] = index.vector(h.id()).map(v -> VectorUtil.dotProduct(query.vector(), v)).orElse(Float.NEGATIVE_INFINITY);
        }
        return scores;
    }
}
