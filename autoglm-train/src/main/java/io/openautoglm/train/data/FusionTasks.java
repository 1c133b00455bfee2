package io.openautoglm.train.data;

import java.util.Map;

/**
 * What a batch must carry for the fusion heads.
 *
 * @param answers the answer vocabulary (answer to class index), or null when questions are not trained
 * @param captions whether the caption decoder trains (on each record's "caption")
 */
public record FusionTasks(Map<String, Integer> answers, boolean captions) {}
