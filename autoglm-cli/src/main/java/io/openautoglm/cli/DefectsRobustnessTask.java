package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.defects.DefectEvaluator;
import io.openautoglm.defects.DefectManifest;
import io.openautoglm.defects.Detector;
import io.openautoglm.eval.PictureTransform;
import io.openautoglm.eval.RobustnessTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * `eval robustness --task defects`: a fitted detector's image AUROC on the manifest's test pictures,
 * each passed through the corruption first. Lives in the CLI because autoglm-eval does not depend
 * on autoglm-defects; the evaluator only sees the {@link RobustnessTask} interface.
 */
final class DefectsRobustnessTask implements RobustnessTask {
    private final Detector detector;
    private final Manifest manifest;
    private final List<DefectManifest.Item> items;
    private final Map<Integer, ManifestRecord> byLine = new HashMap<>();

    DefectsRobustnessTask(Detector detector, Path manifestFile, Manifest manifest) {
        this.detector = detector;
        this.manifest = manifest;
        this.items = DefectManifest.read(manifestFile, "test", "eval robustness --task defects");
        manifest.records().forEach(r -> byLine.put(r.lineNumber(), r));
    }

    @Override
    public String name() {
        return "defects";
    }

    @Override
    public String metric() {
        return "image_auroc";
    }

    @Override
    public Manifest manifest() {
        return manifest;
    }

    @Override
    public List<ManifestRecord> pictures() {
        return items.stream().map(i -> byLine.get(i.line())).toList();
    }

    @Override
    public Score score(PictureTransform transform) {
        try {
            ObjectNode r = DefectEvaluator.evaluate(detector, items, (item, picture) -> transform.apply(byLine.get(item.line()), picture),
                    line -> {});
            return new Score(r.path("image_auroc").asDouble(Double.NaN), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
