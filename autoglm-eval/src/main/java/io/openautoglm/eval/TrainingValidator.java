package io.openautoglm.eval;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.eval.metrics.VqaMetrics;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.trainer.Validator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a training run measures at each validation, the same for every caller of the trainer (the
 * CLI, tests, benchmarks): text-to-image and image-to-text R@1, R@5, R@10 and MRR on the
 * validation manifest; zero-shot top-1 and mean per-class recall for each label key asked for;
 * and, for a model with fusion heads whose answer head trains, VQA accuracy overall and per
 * question type on the first {@value #VQA_QUESTIONS} questions. Every value is a fraction, higher
 * is better; names are dotted ({@code text_to_image.R@1}, {@code zero_shot.color.top1},
 * {@code vqa.accuracy}), as {@code run.best_metric} names them.
 */
public final class TrainingValidator implements Validator {
    /** Questions answered at each validation (the first ones of the validation manifest). */
    public static final int VQA_QUESTIONS = 2000;

    private final boolean firstCaptionOnly;
    private final List<String> zeroShotKeys;
    private final boolean vqa;

    /**
     * @param firstCaptionOnly retrieval queries with each record's first caption only
     * @param zeroShotKeys record keys holding a class label, each scored zero-shot (records without it are left out)
     * @param vqa also answer the manifest's questions when the model has fusion heads
     */
    public TrainingValidator(boolean firstCaptionOnly, List<String> zeroShotKeys, boolean vqa) {
        this.firstCaptionOnly = firstCaptionOnly;
        this.zeroShotKeys = List.copyOf(zeroShotKeys);
        this.vqa = vqa;
    }

    /** The validation a training config asks for: {@code data.val_first_caption_only}, {@code data.zero_shot_keys}, {@code loss.answer}. */
    public static TrainingValidator of(TrainConfig config) {
        return new TrainingValidator(config.data().valFirstCaptionOnly(), config.data().zeroShotKeys(), config.loss().answer() > 0);
    }

    @Override
    public Map<String, Double> validate(MultimodalModel model, Manifest manifest) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        // Retrieval with the similarity the model trains for (config.json's similarity), so the best checkpoint is chosen by it.
        RetrievalEvaluator.Result r = new RetrievalEvaluator(model, null, io.openautoglm.core.EmbedOptions.defaults(),
                RetrievalEvaluator.Scorer.of(model)).evaluate(manifest, firstCaptionOnly);
        put(metrics, "text_to_image", r.textToImage());
        put(metrics, "image_to_text", r.imageToText());
        for (String key : zeroShotKeys) {
            Manifest labelled = manifest.filter(rec -> rec.get(key) != null);
            if (labelled.size() == 0) {
                continue;
            }
            ZeroShotMetrics z = new ZeroShotEvaluator(model, null, RetrievalEvaluator.Scorer.of(model)).evaluate(labelled, key, null,
                    List.of(ZeroShotEvaluator.DEFAULT_TEMPLATE));
            metrics.put("zero_shot." + key + ".top1", z.top1());
            metrics.put("zero_shot." + key + ".mean_per_class_recall", z.meanPerClassRecall());
        }
        if (vqa && model.hasFusion()) {
            VqaMetrics v = new VqaEvaluator(model, null).evaluate(manifest, VQA_QUESTIONS).metrics();
            // Fractions like every other validation metric (the official report is in percent).
            metrics.put("vqa.accuracy", v.overall() / 100);
            v.perQuestionType().forEach((type, accuracy) -> metrics.put("vqa." + type, accuracy / 100));
        }
        return metrics;
    }

    private static void put(Map<String, Double> metrics, String prefix, RetrievalMetrics.Summary s) {
        metrics.put(prefix + ".R@1", s.recallAt1());
        metrics.put(prefix + ".R@5", s.recallAt5());
        metrics.put(prefix + ".R@10", s.recallAt10());
        metrics.put(prefix + ".MRR", s.mrr());
    }
}
