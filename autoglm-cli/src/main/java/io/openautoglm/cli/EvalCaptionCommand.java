package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.model.fusion.CaptionSearch;
import io.openautoglm.eval.CaptionEvaluator;
import io.openautoglm.eval.metrics.CaptionMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "caption", mixinStandardHelpOptions = true,
        description = "Captioning quality: every image of the manifest is captioned and scored against all of its "
                + "record's captions with the COCO caption metrics (BLEU-1..4, ROUGE-L, CIDEr-D). With --out DIR, "
                + "also writes annotations.json and results.json in COCO caption format (score them again with: "
                + "autoglm metrics caption --annotations DIR/annotations.json --results DIR/results.json).")
final class EvalCaptionCommand implements Callable<Integer> {
    @Mixin
    FusionModelOption model;

    @Option(names = "--manifest", required = true, paramLabel = "FILE", description = "JSONL manifest with captions.")
    Path manifest;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Caption at most N images (default: all).")
    int limit;

    @Mixin
    CaptionSearchOption search;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the COCO caption files here.")
    Path outDir;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (limit < 0) {
            throw new UserInputException("--limit must be 0 (all) or more, got " + limit);
        }
        CaptionSearch.Options options = search.options();
        Manifest data = Manifest.read(manifest);
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            CaptionEvaluator.Result r = new CaptionEvaluator(m, spec.commandLine().getErr()).evaluate(data, options, limit);
            if (outDir != null) {
                CaptionEvaluator.writeOfficial(r.captions(), outDir);
            }
            CaptionMetrics metrics = r.metrics();
            if (format.json()) {
                out.println(Json.compact(metrics.toJson()));
            } else {
                out.printf(Locale.ROOT, "caption: %d images, %d references, beam %d, model %s%n", metrics.images(), metrics.references(),
                        options.beamSize(), m.name());
                metrics.toJson().fields().forEachRemaining(e -> {
                    if (e.getValue().isNumber()) {
                        out.printf(Locale.ROOT, "  %-10s %.4f%n", e.getKey(), e.getValue().asDouble());
                    }
                });
                if (outDir != null) {
                    out.println("COCO caption files: " + outDir);
                }
            }
        }
        out.flush();
        return 0;
    }
}
