package io.openautoglm.cli;

import io.openautoglm.eval.metrics.VqaEvaluation;
import io.openautoglm.eval.metrics.VqaMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "vqa", mixinStandardHelpOptions = true,
        description = {"VQA accuracy as the official VQA v2 evaluation (today's vqaEval.py, or --vqa-eval 2017) computes it:",
            "answers normalized (punctuation, number words to digits, articles, contractions) when the humans disagree;",
            "per question the mean over the human answers left out",
            "in turn of min(1, matches among the others / 3); overall, per question type and per answer type in",
            "percent with two decimals. See docs/metrics.md."})
final class MetricsVqaCommand implements Callable<Integer> {
    @Option(names = "--annotations", required = true, paramLabel = "FILE",
            description = "VQA v2 annotations: {\"annotations\": [{\"question_id\", \"question_type\", \"answer_type\", \"answers\": [{\"answer\": ...}, ...]}]}.")
    Path annotations;

    @Option(names = "--results", required = true, paramLabel = "FILE",
            description = "VQA results: [{\"question_id\": 1, \"answer\": \"...\"}, ...], one answer for every annotated question.")
    Path results;

    @Mixin
    VqaEvalOption vqaEval;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        VqaMetrics m = VqaEvaluation.evaluate(annotations, results, vqaEval.protocol());
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            out.println(Json.compact(m.toJson()));
        } else {
            out.printf(Locale.ROOT, "VQA accuracy: %d questions%noverall %.2f%n", m.questions(), m.overall());
            table(out, "per answer type", m.perAnswerType());
            table(out, "per question type", m.perQuestionType());
        }
        out.flush();
        return 0;
    }

    private static void table(PrintWriter out, String title, Map<String, Double> rows) {
        out.println(title + ":");
        int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
        rows.forEach((k, v) -> out.printf(Locale.ROOT, "  %-" + Math.max(1, width) + "s %6.2f%n", k, v));
    }
}
