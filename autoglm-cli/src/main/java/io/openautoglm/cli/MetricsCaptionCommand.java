package io.openautoglm.cli;

import io.openautoglm.eval.metrics.CaptionEvaluation;
import io.openautoglm.eval.metrics.CaptionMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "caption", mixinStandardHelpOptions = true,
        description = {"COCO caption metrics as the COCO caption evaluation toolkit computes them: corpus BLEU-1..4",
            "(closest reference length), ROUGE-L (beta 1.2), CIDEr-D (sigma 6, document frequencies from the",
            "references, x10), after PTB-style tokenization (lowercase, punctuation removed). See docs/metrics.md."})
final class MetricsCaptionCommand implements Callable<Integer> {
    @Option(names = "--annotations", required = true, paramLabel = "FILE",
            description = "COCO caption annotations: {\"annotations\": [{\"image_id\": 1, \"caption\": \"...\"}, ...]}, several captions per image.")
    Path annotations;

    @Option(names = "--results", required = true, paramLabel = "FILE",
            description = "COCO caption results: [{\"image_id\": 1, \"caption\": \"...\"}, ...], one caption per image.")
    Path results;

    @Option(names = "--allow-missing-results",
            description = "Score only the images the results name, as the toolkit does (default: every annotated image needs a result).")
    boolean allowMissingResults;

    @Option(names = "--tokenized",
            description = "Captions are already tokenized (tokens separated by spaces): split on whitespace instead of tokenizing.")
    boolean tokenized;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CaptionMetrics m = CaptionEvaluation.evaluate(annotations, results,
                new CaptionEvaluation.Options(allowMissingResults, tokenized));
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            out.println(Json.compact(m.toJson()));
        } else {
            out.printf("caption metrics: %d images, %d reference captions%n", m.images(), m.references());
            m.toJson().fields().forEachRemaining(e -> out.printf(java.util.Locale.ROOT, "%-8s %10.6f%n", e.getKey(), e.getValue().doubleValue()));
        }
        out.flush();
        return 0;
    }
}
