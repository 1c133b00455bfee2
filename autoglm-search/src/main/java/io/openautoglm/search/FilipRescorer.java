package io.openautoglm.search;

import io.openautoglm.core.FilipScorer;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
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
        if (images.isEmpty()) {
            return scores;
        }
        FilipScorer.Scores s = filip.score(filip.embedPictures(images, BATCH), filip.embedTexts(List.of(query.text()), 1));
        float[] textToImage = s.textToImage()[0]; // (R)
        for (int j = 0; j < readable.size(); j++) {
            scores[readable.get(j)] = textToImage[j];
        }
        return scores;
    }
}
