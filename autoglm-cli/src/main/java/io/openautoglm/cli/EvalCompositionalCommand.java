package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.eval.CompositionalEvaluator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "compositional", mixinStandardHelpOptions = true,
        description = {"Compositional check on hard negatives (ShapeWorld-style swapped captions): how often the",
            "image scores its caption above each of its \"hard_negatives\" (ties count as misses), and how",
            "often it beats all of them. Records without hard_negatives are skipped and counted."})
final class EvalCompositionalCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--manifest", required = true, paramLabel = "FILE",
            description = "JSONL manifest: {\"image\": \"a.png\", \"caption\": \"...\", \"hard_negatives\": [\"...\"]} per line.")
    Path manifest;

    @Option(names = "--scorer", paramLabel = "KIND", defaultValue = "cosine",
            description = "What scores a caption: cosine (the dual encoder's similarity) or matching (the fusion encoder's "
                    + "matching probability; the model needs fusion heads). Default: ${DEFAULT-VALUE}.")
    String scorer;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!scorer.equals("cosine") && !scorer.equals("matching")) {
            throw new io.openautoglm.core.UserInputException("--scorer must be cosine or matching, got '" + scorer + "'");
        }
        Manifest data = Manifest.read(manifest);
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            CompositionalEvaluator.Result r = new CompositionalEvaluator(m, spec.commandLine().getErr(), scorer.equals("matching"))
                    .evaluate(data);
            if (format.json()) {
                out.println(Json.compact(r.toJson()));
            } else {
                out.printf("compositional: %d pairs from %d records, %d records without hard_negatives skipped, model %s, scorer %s%n",
                        r.n(), r.records(), r.skipped(), m.name(), scorer);
                EvalCommand.row(out, "accuracy", 20, r.accuracy());
                EvalCommand.row(out, "all_negatives_beaten", 20, r.allNegativesBeaten());
            }
        }
        out.flush();
        return 0;
    }
}
