package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.eval.RetrievalEvaluator;
import io.openautoglm.eval.ZeroShotEvaluator;
import io.openautoglm.eval.ZeroShotMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "zero-shot", mixinStandardHelpOptions = true,
        description = {"Zero-shot classification accuracy: top1, top5 (k capped at the number of labels),",
            "mean per-class recall (over classes that occur), n. Records without the label key are skipped",
            "and counted; the predicted class is the best-scoring label, ties to the earlier label."})
final class EvalZeroShotCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--manifest", required = true, paramLabel = "FILE",
            description = "JSONL manifest: {\"image\": \"a.png\", \"label\": \"cat\"} per line, paths relative to it.")
    Path manifest;

    @Option(names = "--label-key", required = true, paramLabel = "KEY",
            description = "The record field that holds the true class, e.g. label.")
    String labelKey;

    @Option(names = {"-l", "--labels"}, split = ",", paramLabel = "LABEL",
            description = "Comma-separated classes to choose from (default: the sorted distinct values of --label-key). "
                    + "Every record's label must be among them; extra labels are allowed.")
    List<String> labels = new ArrayList<>();

    @Option(names = "--template", paramLabel = "TEMPLATE",
            description = "A prompt with {} where the label goes; repeat to ensemble (default: \""
                    + ZeroShotEvaluator.DEFAULT_TEMPLATE + "\").")
    List<String> templates = new ArrayList<>();

    @Option(names = "--confusion-csv", paramLabel = "FILE",
            description = "Also write the confusion matrix (rows true, columns predicted) to this CSV file (default: none).")
    Path confusionCsv;

    @Option(names = "--scorer", paramLabel = "pooled|filip",
            description = {"How a picture and a prompt are compared: pooled (cosine to the label's mean prompt embedding) or filip",
                "(FILIP's token-wise similarity to each prompt, averaged over the label's prompts).",
                "Default: the similarity the model was trained with (config.json's \"similarity\"; pooled when absent).",
                "filip needs a DJL model folder (per-patch outputs)."})
    String scorer;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> cleaned = labels.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (!labels.isEmpty() && cleaned.isEmpty()) {
            throw new UserInputException("--labels is empty: give comma-separated labels, e.g. --labels cat,dog");
        }
        if (labelKey.isBlank()) {
            throw new UserInputException("--label-key is empty: name the field that holds the class, e.g. --label-key label");
        }
        RetrievalEvaluator.Scorer chosen = scorer == null ? null : RetrievalEvaluator.Scorer.parse(scorer);
        Manifest data = Manifest.read(manifest);
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            RetrievalEvaluator.Scorer used = chosen != null ? chosen : RetrievalEvaluator.Scorer.of(m);
            ZeroShotMetrics r = new ZeroShotEvaluator(m, spec.commandLine().getErr(), used).evaluate(data, labelKey, cleaned, templates);
            if (confusionCsv != null) {
                AtomicFiles.writeString(confusionCsv, r.confusionCsv());
            }
            if (format.json()) {
                out.println(Json.compact(r.toJson().put("scorer", used.key())));
            } else {
                out.printf("zero-shot: %d images, %d labels, %d records without \"%s\" skipped, model %s, scorer %s%n",
                        r.n(), r.labels().size(), r.skipped(), labelKey, m.name(), used.key());
                EvalCommand.row(out, "top1", 22, r.top1());
                EvalCommand.row(out, "top5" + (r.topK() < 5 ? " (k=" + r.topK() + ")" : ""), 22, r.topKAccuracy());
                EvalCommand.row(out, "mean_per_class_recall", 22, r.meanPerClassRecall());
                if (confusionCsv != null) {
                    out.println("confusion matrix: " + confusionCsv);
                }
            }
        }
        out.flush();
        return 0;
    }
}
