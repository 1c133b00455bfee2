package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.StopSignal;
import io.openautoglm.defects.DefectEvaluator;
import io.openautoglm.defects.DefectManifest;
import io.openautoglm.defects.Detector;
import io.openautoglm.defects.DetectorFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Evaluate a detector on labelled pictures (records with \"split\": \"test\", all when none has a split):",
            "image AUROC, average precision, accuracy, precision and recall at the detector's threshold, per category and defect",
            "type, per method, and pixel AUROC from the anomaly maps where masks exist.",
            "JSON: {\"image_auroc\", \"average_precision\", \"accuracy\", \"precision\", \"recall\", \"pixel_auroc\", \"per_category\", \"n\", ...}."})
final class DefectsEvalCommand implements Callable<Integer> {
    @Option(names = "--detector", required = true, paramLabel = "DET", description = "Detector folder from `autoglm defects fit`.")
    Path detectorDir;

    @Option(names = "--manifest", required = true, paramLabel = "TEST", description = "JSONL manifest with \"label\" on every record.")
    Path manifest;

    @Option(names = "--model", paramLabel = "DIR", description = "Model folder (default: the one the detector was fitted with).")
    Path model;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        var items = DefectManifest.read(manifest, "test", "eval");
        PrintWriter err = spec.commandLine().getErr();
        try (StopSignal.Job job = StopSignal.job(); Detector detector = DetectorFiles.load(detectorDir, model)) {
            ObjectNode r = DefectEvaluator.evaluate(detector, items, line -> {
                err.println(line);
                err.flush();
            });
            PrintWriter o = spec.commandLine().getOut();
            if (format.json()) {
                o.println(Json.compact(r));
            } else {
                o.printf("%d pictures (%d defects): image AUROC %.3f (mean over categories %.3f), AP %.3f, pixel AUROC %s%n",
                        r.get("n").asInt(), r.get("defects").asInt(), r.get("image_auroc").asDouble(), r.get("mean_category_image_auroc").asDouble(),
                        r.get("average_precision").asDouble(), r.get("pixel_auroc").isNull() ? "n/a" : String.format("%.3f", r.get("pixel_auroc").asDouble()));
                o.printf("at threshold %.3f: accuracy %.3f, precision %s, recall %s%n", r.get("threshold").asDouble(), r.get("accuracy").asDouble(),
                        r.get("precision").asText(), r.get("recall").asText());
                r.get("per_category").fields().forEachRemaining(e -> o.printf("  %-14s image AUROC %s  per method %s%n", e.getKey(),
                        e.getValue().get("image_auroc").asText(), Json.compact(e.getValue().get("per_method"))));
            }
            o.flush();
        }
        return 0;
    }
}
