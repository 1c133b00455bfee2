package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.ModelDirectory;
import io.openautoglm.eval.AccuracyGate;
import io.openautoglm.onnx.StagedFolder;
import io.openautoglm.onnx.prune.StructuredPruner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Structured pruning: remove the least important attention heads and MLP channels of a CLIP model.",
            "Importance comes from the weights (MLP channel: |fc1 row| x |fc2 column|; head: |v_proj rows| x |out_proj columns|)."
                + " Every layer keeps the same number of heads and channels (its own top scorers); config.json records the new"
                + " num_attention_heads, head_dim and intermediate_size. With --gate the source and the pruned model are both"
                + " measured on the manifest and nothing is written when the pruned one loses more than --max-drop points."
                + " provenance.json says what was removed and the gate figures; DST is written whole or not at all.",
            "Example: autoglm prune --model models/autoglm-shapes-tiny --out runs/pruned --heads 0.25 --mlp 0.25 --gate data/val.jsonl"})
final class PruneCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, paramLabel = "SRC", required = true,
            description = "Model folder to prune (ours, Hugging Face CLIPModel or OpenAI/open_clip).")
    Path model;

    @Option(names = "--out", paramLabel = "DST", required = true, description = "New folder for the pruned model (must not exist or be empty).")
    Path out;

    @Option(names = "--heads", paramLabel = "F", defaultValue = "0",
            description = "Share of each layer's attention heads to remove, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double heads;

    @Option(names = "--mlp", paramLabel = "F", defaultValue = "0",
            description = "Share of each layer's MLP channels to remove, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double mlp;

    @Option(names = "--fine-tune-steps", paramLabel = "N", defaultValue = "0",
            description = "After pruning, train this many contrastive steps on --manifest (the trainer with init_from the"
                    + " pruned model, lr --fine-tune-lr, batch --fine-tune-batch-size), then gate the fine-tuned model (default: 0, none).")
    int fineTuneSteps;

    @Option(names = "--manifest", paramLabel = "MANIFEST", description = "Training manifest for --fine-tune-steps.")
    Path fineTuneManifest;

    @Option(names = "--fine-tune-lr", paramLabel = "LR", defaultValue = "0.0001",
            description = "Peak learning rate of the fine-tune (default: ${DEFAULT-VALUE}).")
    double fineTuneLr;

    @Option(names = "--fine-tune-batch-size", paramLabel = "N", defaultValue = "32",
            description = "Batch size of the fine-tune (default: ${DEFAULT-VALUE}).")
    int fineTuneBatchSize;

    @Mixin
    GateOptions gate = new GateOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        StructuredPruner.Options options = new StructuredPruner.Options(heads, mlp);
        if (fineTuneSteps < 0 || (fineTuneSteps > 0 && fineTuneManifest == null)) {
            throw new UserInputException("--fine-tune-steps needs a positive number of steps and --manifest with the training data");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        AccuracyGate accuracyGate = gate.enabled() ? gate.gate(spec.commandLine().getErr()) : null;
        Path tokenizer = ModelDirectory.read(model).tokenizer();
        try (StopSignal.Job job = StopSignal.job(); StagedFolder staged = StagedFolder.forTarget(out);
                MultimodalModel source = MultimodalModel.load(model)) {
            StructuredPruner.Pruned pruned = StructuredPruner.prune(source, tokenizer, options);
            try (MultimodalModel small = fineTuneSteps > 0 ? PruneFineTune.run(pruned, staged, fineTuneManifest, fineTuneSteps,
                    fineTuneLr, fineTuneBatchSize, stdout) : pruned.model()) {
                ObjectNode report = pruned.report();
                report.put("source", model.toAbsolutePath().normalize().toString());
                stdout.printf(Locale.ROOT, "pruned %s: %,d -> %,d parameters (vision heads %s, MLP %s; text heads %s, MLP %s)%n",
                        model, report.get("parameters_before").asLong(), report.get("parameters_after").asLong(),
                        report.path("vision").path("heads").asText(), report.path("vision").path("intermediate_size").asText(),
                        report.path("text").path("heads").asText(), report.path("text").path("intermediate_size").asText());
                StopSignal.process().check();
                if (accuracyGate != null) {
                    AccuracyGate.Result g = accuracyGate.compare(source, small);
                    stdout.println(g.summary());
                    if (!g.passed()) {
                        throw new UserInputException("the pruned model loses " + String.format(Locale.ROOT, "%.2f", g.worstDropPoints())
                                + " points of " + g.worstFigure() + " (limit " + gate.maxDrop + "); nothing was written to " + out
                                + ": prune less (--heads, --mlp) or allow a larger --max-drop");
                    }
                    report.set("gate", g.toJson());
                }
                ObjectNode extra = Json.object();
                extra.set("pruning", report);
                small.saveWith(staged.dir(), source.typedProvenance().withDetails(extra));
                staged.commit();
            }
        }
        stdout.printf("wrote %s%n", out);
        stdout.flush();
        return 0;
    }
}
