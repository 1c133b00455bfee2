package io.openautoglm.eval.metrics;

import java.util.List;

/**
 * One image to score: its candidate caption and its reference captions, already tokenized.
 *
 * @param imageId the image's id as written in the files (for messages)
 * @param candidate the candidate's tokens (may be empty)
 * @param references each reference's tokens; at least one reference
 */
public record ScoredImage(String imageId, List<String> candidate, List<List<String>> references) {
    public ScoredImage {
        candidate = List.copyOf(candidate);
        references = references.stream().map(List::copyOf).toList();
        if (references.isEmpty()) {
            throw new IllegalArgumentException("image " + imageId + " has no reference caption");
        }
    }
}
