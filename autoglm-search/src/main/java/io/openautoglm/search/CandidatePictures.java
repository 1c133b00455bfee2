package io.openautoglm.search;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The pictures of search candidates, read again from the paths the index recorded, for re-rankers
 * that need pixels (the matching head, FILIP). A candidate without a path, or whose picture moved or
 * became unreadable since indexing, is left out and ranks last.
 *
 * @param images the pictures that could be read, in candidate order
 * @param candidateOf for each of {@code images}, its position in the candidate list
 * @param candidates how many candidates there were
 */
record CandidatePictures(List<RgbImage> images, int[] candidateOf, int candidates) {
    static CandidatePictures load(MultimodalModel model, List<Hit> hits) {
        List<RgbImage> images = new ArrayList<>();
        List<Integer> readable = new ArrayList<>();
        for (int i = 0; i < hits.size(); i++) {
            String path = hits.get(i).path();
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
        return new CandidatePictures(images, readable.stream().mapToInt(Integer::intValue).toArray(), hits.size());
    }

    /** One score per readable picture -> one per candidate; the unreadable ones get negative infinity. */
    float[] perCandidate(float[] perPicture) {
        float[] scores = new float[candidates];
        Arrays.fill(scores, Float.NEGATIVE_INFINITY);
        for (int j = 0; j < candidateOf.length; j++) {
            scores[candidateOf[j]] = perPicture[j];
        }
        return scores;
    }
}
