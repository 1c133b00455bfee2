package io.openautoglm.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.eval.metrics.VqaMetrics;
import io.openautoglm.eval.metrics.VqaProtocol;
import java.io.PrintWriter;
import java.util.List;

/** The evaluations {@code autoglm eval robustness --task} can rerun under corruptions. */
public final class RobustnessTasks {
    private RobustnessTasks() {}

    /** Zero-shot classification ({@link ZeroShotEvaluator}); the metric is {@code top1}. */
    public static RobustnessTask zeroShot(MultimodalModel model, Manifest manifest, String labelKey, List<String> labels,
            List<String> templates, PrintWriter progress) {
        ZeroShotEvaluator evaluator = new ZeroShotEvaluator(model, progress);
        ZeroShotEvaluator.Prepared prepared = evaluator.prepare(manifest, labelKey, labels, templates);
        return new Task("zero-shot", "top1", manifest, prepared.records(), transform -> {
            ZeroShotMetrics m = evaluator.score(prepared, transform);
            return new RobustnessTask.Score(m.top1(), m.toJson());
        });
    }

    /** Retrieval ({@link RetrievalEvaluator}); the metric is text-to-image R@1, {@code text_to_image_R@1}. */
    public static RobustnessTask retrieval(MultimodalModel model, Manifest manifest, boolean firstCaptionOnly, PrintWriter progress) {
        RetrievalEvaluator evaluator = new RetrievalEvaluator(model, progress);
        RetrievalEvaluator.Prepared prepared = evaluator.prepare(manifest, firstCaptionOnly);
        return new Task("retrieval", "text_to_image_R@1", manifest, prepared.images(), transform -> {
            RetrievalEvaluator.Result r = evaluator.score(prepared, transform);
            return new RobustnessTask.Score(r.textToImage().recallAt1(), r.toJson());
        });
    }

    /** Question answering ({@link VqaEvaluator}); the metric is the official accuracy in percent, {@code overall}. */
    public static RobustnessTask vqa(MultimodalModel model, Manifest manifest, int limit, List<String> questionKeys,
            VqaProtocol protocol, PrintWriter progress) {
        model.fusion(); // one clear error now, not after the first pass, if the model has no answer head
        return new Task("vqa", "overall", manifest, manifest.records(), transform -> {
            VqaMetrics m = new VqaEvaluator(model, progress, transform).evaluate(manifest, limit, questionKeys, protocol).metrics();
            ObjectNode json = m.toJson();
            return new RobustnessTask.Score(m.overall(), json);
        });
    }

    private interface Scorer {
        RobustnessTask.Score score(PictureTransform transform);
    }

    private record Task(String name, String metric, Manifest manifest, List<ManifestRecord> pictures, Scorer scorer)
            implements RobustnessTask {
        @Override
        public Score score(PictureTransform transform) {
            return scorer.score(transform);
        }
    }
}
