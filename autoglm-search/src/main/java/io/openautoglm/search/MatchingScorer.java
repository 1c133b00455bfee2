package io.openautoglm.search;

import io.openautoglm.core.FusionInference;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
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
        float[] scores = new float[candidates.size()];
        List<RgbImage> images = new ArrayList<>();
        List<Integer> readable = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            String path = candidates.get(i).path();
            scores[i] = Float.NEGATIVE_INFINITY;
            if (path == null) {
                continue;
            }
            try {
                images.add(model.imageLoader().load(Path.of(path)));
                readable.add(i);
            } catch (UserInputException e) {
                // moved or unreadable since indexing: it keeps the lowest score
            }
        }
        float[] match = fusion.matchPairs(images, Collections.nCopies(images.size(), query.text()));
        for (int j = 0; j < readable.size(); j++) {
            scores[readable.get(j)] = match[j];
        }
        return scores;
    }
}
