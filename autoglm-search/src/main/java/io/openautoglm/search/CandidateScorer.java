package io.openautoglm.search;

import java.util.List;

/**
 * The re-ranking hook: gives each of the top candidates of a vector search a new score (higher is
 * better). A cross-attention image-text matching model plugs in here; {@link FullPrecisionScorer}
 * is the one we ship (exact cosine for quantized indexes).
 */
@FunctionalInterface
public interface CandidateScorer {
    /** One score per candidate, in the candidates' order. */
    float[] score(SearchQuery query, List<Hit> candidates);
}
