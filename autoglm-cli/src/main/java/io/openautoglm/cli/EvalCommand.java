package io.openautoglm.cli;

import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code autoglm eval}: the evaluation runs, one subcommand each. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on a JSONL manifest: retrieval, zero-shot classification, compositional check, "
                + "question answering, captioning, re-ranking, robustness under corruptions.",
        subcommands = {EvalRetrievalCommand.class, EvalZeroShotCommand.class, EvalCompositionalCommand.class, EvalVqaCommand.class,
            EvalCaptionCommand.class, EvalRerankCommand.class, EvalRobustnessCommand.class})
final class EvalCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** One row of a two-column table: the name padded to {@code width}, then the value to 4 decimals. */
    static void row(PrintWriter out, String name, int width, double... values) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-" + width + "s", name));
        for (double v : values) {
            sb.append(String.format(Locale.ROOT, " %12.4f", v));
        }
        out.println(sb);
    }
}
