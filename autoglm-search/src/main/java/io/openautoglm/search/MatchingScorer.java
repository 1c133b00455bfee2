package io.openautoglm.search;

import io.openautoglm.core.FusionInference;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import java.util.Collections;
import java.util.List;

/**
 * Re-scores text-search candidates with a fusion model's image–text matching head: the probability
 * that the query describes the candidate picture, read through cross-attention (word order and
 * which attribute belongs to which object count). The pictures are read from the paths the index
 * recorded; a candidate whose picture is gone ranks last.
 */
public final class MatchingScorer implements CandidateScorer {
    private final MultimodalModel model;
    private final FusionInference fusion;

    /** @param model a model with fusion heads; it may differ from the index's model */
    public MatchingScorer(MultimodalModel model) {
        this.model = model;
        this.fusion = model.fusion();
    }

    @Override
    public float[] score(SearchQuery query, List<Hit> candidates) {
        if (query.text() == null) {
            throw new UserInputException("re-ranking with the matching head needs a text query: it scores how well a text "
                    + "describes each picture");
        }
        CandidatePictures pictures = CandidatePictures.load(model, candidates);
        return pictures.perCandidate(fusion.matchPairs(pictures.images(), Collections.nCopies(pictures.images().size(), query.text())));
    }
}
