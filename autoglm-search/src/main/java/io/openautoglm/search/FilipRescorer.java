package io.openautoglm.search;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.FilipScorer;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import java.util.List;

/**
 * Re-scores text-search candidates with FILIP's token-wise similarity (text to picture: each word
 * of the query to its best patch, averaged). The index holds pooled vectors only, so each
 * candidate's patch embeddings are recomputed from the picture file the index recorded: one
 * decode and one image-tower forward per candidate and query (docs/search.md gives the measured
 * cost). A candidate whose picture is gone ranks last.
 */
public final class FilipRescorer implements CandidateScorer {
    /** Candidate pictures per image-tower forward. */
    private static final int BATCH = 32;

    private final MultimodalModel model;
    private final FilipScorer filip;

    /** @param model the index's model (its towers made the vectors); one clear line when it has no per-patch outputs */
    public FilipRescorer(MultimodalModel model) {
        this.model = model;
        this.filip = new FilipScorer(model);
    }

    @Override
    public float[] score(SearchQuery query, List<Hit> candidates) {
        if (query.text() == null) {
            throw new UserInputException("re-ranking with FILIP needs a text query: it matches the query's words to each "
                    + "picture's patches");
        }
        CandidatePictures pictures = CandidatePictures.load(model, candidates);
        if (pictures.images().isEmpty()) {
            return pictures.perCandidate(new float[0]);
        }
        FilipScorer.Scores s = filip.score(filip.embedPictures(pictures.images(), BATCH), filip.embedTexts(List.of(query.text()), EmbedOptions.defaults()));
        return pictures.perCandidate(s.textToImage()[0]); // (R)
    }
}
