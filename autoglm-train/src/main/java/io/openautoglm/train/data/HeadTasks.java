package io.openautoglm.train.data;

import java.util.Map;

/**
 * What a batch must carry for the heads that learn beside the contrastive loss.
 *
 * @param answers the answer vocabulary (answer to class index), or null when questions are not trained
 * @param questionsPerImage how many distinct questions of each picture a batch asks (fewer where it has fewer)
 * @param captions whether the caption decoder trains (on each record's "caption")
 * @param tags the image-tag vocabulary (tag to class index), or null when the image-tag head does not train
 * @param grounding whether each question row carries where the objects its words name are ({@link ObjectGrounding})
 */
public record HeadTasks(Map<String, Integer> answers, int questionsPerImage, boolean captions, Map<String, Integer> tags,
        boolean grounding) {
    public HeadTasks(Map<String, Integer> answers, int questionsPerImage, boolean captions, Map<String, Integer> tags) {
        this(answers, questionsPerImage, captions, tags, false);
    }

    public HeadTasks {
        if (questionsPerImage < 1) {
            throw new IllegalArgumentException("questionsPerImage must be at least 1, got " + questionsPerImage);
        }
    }

    /** Whether any fusion head (answers, captions) needs {@link Batch.FusionTargets}. */
    public boolean fusion() {
        return answers != null || captions;
    }
}
