package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.eval.VqaEvaluator;
import io.openautoglm.eval.metrics.VqaMetrics;
import io.openautoglm.eval.metrics.VqaProtocol;
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

@Command(name = "vqa", mixinStandardHelpOptions = true,
        description = "Visual question answering accuracy with the official VQA v2 formula: every question of the "
                + "manifest (a record's \"qa\" list, or its \"question\" with \"answer\"/\"answers\") is answered "
                + "and scored. A question with one answer counts as ten annotators who agree (right 100%%, wrong "
                + "0%%). With --out DIR, also writes questions.json, annotations.json and results.json in VQA v2 "
                + "format (score them again with: autoglm metrics vqa --annotations DIR/annotations.json --results "
                + "DIR/results.json).")
final class EvalVqaCommand implements Callable<Integer> {
    @Mixin
    FusionModelOption model;

    @Option(names = "--manifest", required = true, paramLabel = "FILE",
            description = "JSONL manifest with questions, e.g. a ShapeWorld split.")
    Path manifest;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Answer at most N questions (default: all).")
    int limit;

    @Option(names = "--question-keys", paramLabel = "KEY", split = ",", defaultValue = "qa",
            description = "The record keys whose question lists are answered (default: qa). ShapeWorld's spatial questions: spatial_qa.")
    java.util.List<String> questionKeys;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the VQA v2 files here.")
    Path outDir;

    @Mixin
    VqaEvalOption vqaEval;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (limit < 0) {
            throw new UserInputException("--limit must be 0 (all) or more, got " + limit);
        }
        VqaProtocol protocol = vqaEval.protocol();
        Manifest data = Manifest.read(manifest);
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            VqaEvaluator.Result r = new VqaEvaluator(m, spec.commandLine().getErr()).evaluate(data, limit, questionKeys, protocol);
            if (outDir != null) {
                VqaEvaluator.writeOfficial(r.predictions(), outDir);
            }
            VqaMetrics metrics = r.metrics();
            if (format.json()) {
                out.println(Json.compact(metrics.toJson()));
            } else {
                out.printf(Locale.ROOT, "vqa: %d questions, model %s%n", metrics.questions(), m.name());
                out.printf(Locale.ROOT, "  %-22s %7.2f%%%n", "overall", metrics.overall());
                metrics.perQuestionType().forEach((k, v) -> out.printf(Locale.ROOT, "  %-22s %7.2f%%%n", "type " + k, v));
                metrics.perAnswerType().forEach((k, v) -> out.printf(Locale.ROOT, "  %-22s %7.2f%%%n", "answer type " + k, v));
                if (outDir != null) {
                    out.println("VQA v2 files: " + outDir);
                }
            }
        }
        out.flush();
        return 0;
    }
}
