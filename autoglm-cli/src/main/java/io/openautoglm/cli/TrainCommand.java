package io.openautoglm.cli;

import io.openautoglm.core.StopSignal;
import io.openautoglm.eval.TrainingValidator;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.config.TrainConfigLoader;
import io.openautoglm.train.trainer.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a CLIP-style dual encoder with the contrastive loss, from scratch or from a checkpoint.",
            "Either --config FILE (see configs/ and docs/training.md) or the short form below; options given here"
                + " override the file. Writes OUT/model (the trained model), OUT/best, OUT/checkpoints, OUT/metrics.jsonl"
                + " and OUT/training.png."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML training config (default: built-in defaults).")
    Path config;

    @Option(names = "--train", paramLabel = "MANIFEST", description = "Training manifest (JSONL): sets data.train.")
    String train;

    @Option(names = "--val", paramLabel = "MANIFEST", description = "Validation manifest: sets data.val.")
    String val;

    @Option(names = "--out", paramLabel = "DIR", description = "Output folder: sets run.out.")
    String out;

    @Option(names = "--preset", paramLabel = "NAME", description = "Architecture for training from scratch: tiny, small or mini (the distillation student, ~4x fewer FLOPs than tiny; default: tiny).")
    String preset;

    @Option(names = "--init-from", paramLabel = "DIR", description = "Fine-tune this model folder (ours, Hugging Face or OpenAI layout).")
    String initFrom;

    @Option(names = "--lock-image-tower", description = "Keep the image tower fixed (LiT-style).")
    boolean lockImage;

    @Option(names = "--lock-text-tower", description = "Keep the text tower fixed.")
    boolean lockText;

    @Option(names = "--steps", paramLabel = "N", description = "Optimizer steps: sets optim.steps (default: 2000).")
    Integer steps;

    @Option(names = "--batch-size", paramLabel = "N", description = "Pairs per batch: sets optim.batch_size (default: 128).")
    Integer batchSize;

    @Option(names = "--seed", paramLabel = "S", description = "Seed for initialization, order and augmentation (default: 0).")
    Long seed;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override any config key, e.g. --set optim.lr=0.001; repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(names = "--resume", description = "Continue the run in --out from its latest checkpoint (same config required).")
    boolean resume;

    @Option(names = "--stop-after", paramLabel = "STEPS",
            description = "End this session after this many steps in total, with a checkpoint; continue later with --resume.")
    Long stopAfter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        List<String> overrides = new ArrayList<>();
        add(overrides, "data.train", train);
        add(overrides, "data.val", val);
        add(overrides, "run.out", out);
        add(overrides, "model.preset", preset);
        add(overrides, "model.init_from", initFrom);
        add(overrides, "optim.steps", steps);
        add(overrides, "optim.batch_size", batchSize);
        add(overrides, "seed", seed);
        if (lockImage) {
            overrides.add("model.lock_image_tower=true");
        }
        if (lockText) {
            overrides.add("model.lock_text_tower=true");
        }
        overrides.addAll(sets);
        TrainConfig cfg = TrainConfigLoader.load(config, overrides);
        PrintWriter o = spec.commandLine().getOut();
        Trainer.Result result = new Trainer(cfg, TrainingValidator.of(cfg), System.err, StopSignal.process())
                .run(resume, stopAfter == null ? Long.MAX_VALUE : stopAfter);
        if (result.stoppedBy() != null) {
            PrintWriter err = spec.commandLine().getErr();
            err.printf("autoglm: stopped at step %d by %s; checkpoint in %s; resume with: %s%n", result.steps(), result.stoppedBy(),
                    Path.of(cfg.run().out()).resolve("checkpoints"), resumeCommand());
            err.flush();
            return StopSignal.process().exitCode();
        }
        if (result.modelDir() == null) {
            o.printf("paused after step %d; continue with the same command plus --resume%n", result.steps());
        } else {
            o.printf(Locale.ROOT, "trained %d steps, final loss %.4f%n", result.steps(), result.finalLoss());
            result.finalMetrics().forEach((k, v) -> o.printf(Locale.ROOT, "  %-36s %.4f%n", k, v));
            o.printf("model: %s%n", result.modelDir());
            if (result.bestDir() != null) {
                o.printf("best checkpoint (by %s): %s%n", cfg.run().bestMetric(), result.bestDir());
            }
        }
        o.flush();
        return 0;
    }

    /** This very command line with {@code --resume} (once), quoted for a POSIX shell. */
    private String resumeCommand() {
        List<String> args = new ArrayList<>(List.of("autoglm"));
        args.addAll(spec.commandLine().getParseResult().originalArgs());
        if (!args.contains("--resume")) {
            args.add("--resume");
        }
        return String.join(" ", args.stream().map(TrainCommand::shellQuoted).toList());
    }

    private static String shellQuoted(String arg) {
        return arg.matches("[A-Za-z0-9_./:=@%+,-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'";
    }

    private static void add(List<String> overrides, String key, Object value) {
        if (value != null) {
            overrides.add(key + "=" + value);
        }
    }
}
