package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.io.FileTrees;
import io.openautoglm.eval.TrainingValidator;
import io.openautoglm.onnx.StagedFolder;
import io.openautoglm.onnx.prune.StructuredPruner;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.config.TrainConfigLoader;
import io.openautoglm.train.trainer.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The short fine-tune after pruning: the pruned model is saved in a work folder beside the staged
 * output, the ordinary trainer runs from it ({@code model.init_from}) for a few contrastive steps,
 * and the trained model comes back in memory; the work folder is deleted either way.
 */
final class PruneFineTune {
    private PruneFineTune() {}

    /** Closes the pruned model and returns the fine-tuned one; adds a {@code fine_tune} block to the report. */
    static MultimodalModel run(StructuredPruner.Pruned pruned, StagedFolder staged, Path manifest, int steps, double lr, int batch,
            PrintWriter out) throws IOException {
        Path work = Files.createTempDirectory(staged.dir().getParent(), ".prune-fine-tune-");
        try {
            Path start = work.resolve("pruned");
            try (MultimodalModel m = pruned.model()) {
                m.save(start, null);
            }
            TrainConfig cfg = TrainConfigLoader.load(null, List.of(
                    "data.train=" + manifest.toAbsolutePath(),
                    "run.out=" + work.resolve("run"),
                    "model.init_from=" + start,
                    "optim.steps=" + steps,
                    "optim.batch_size=" + batch,
                    "optim.lr=" + lr,
                    "optim.warmup_steps=" + Math.max(1, steps / 10),
                    "run.eval_every=0",
                    "run.checkpoint_every=0"));
            Trainer.Result r = new Trainer(cfg, TrainingValidator.of(cfg), new PrintStream(OutputStream.nullOutputStream()), StopSignal.process()).run(false, Long.MAX_VALUE);
            StopSignal.process().check();
            out.printf(Locale.ROOT, "fine-tuned %d steps on %s, final loss %.4f%n", r.steps(), manifest, r.finalLoss());
            ObjectNode ft = pruned.report().putObject("fine_tune");
            ft.put("steps", r.steps());
            ft.put("manifest", manifest.toAbsolutePath().normalize().toString());
            ft.put("lr", lr);
            ft.put("batch_size", batch);
            ft.put("final_loss", r.finalLoss());
            return MultimodalModel.load(r.modelDir());
        } finally {
            FileTrees.delete(work);
        }
    }
}
