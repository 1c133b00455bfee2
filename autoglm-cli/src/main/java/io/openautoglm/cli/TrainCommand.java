package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.eval.RetrievalEvaluator;
import io.openautoglm.eval.RetrievalMetrics;
import io.openautoglm.eval.ZeroShotEvaluator;
import io.openautoglm.eval.ZeroShotMetrics;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.config.TrainConfigLoader;
import io.openautoglm.train.trainer.Trainer;
import io.openautoglm.train.trainer.Validator;
import io.openautoglm.eval.VqaEvaluator;
import io.openautoglm.eval.metrics.VqaMetrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

    @Option(names = "--preset", paramLabel = "NAME", description = "Architecture for training from scratch: tiny or small (default: tiny).")
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
        Trainer.Result result = new Trainer(cfg, validator(cfg, spec.commandLine().getErr()), System.err)
                .run(resume, stopAfter == null ? Long.MAX_VALUE : stopAfter);
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

    /** Questions answered at each validation (the first ones of the validation manifest). */
    private static final int VQA_VALIDATION_QUESTIONS = 2000;

    /** Retrieval on the validation manifest, plus zero-shot for each configured label key. */
    static Validator validator(TrainConfig cfg, PrintWriter err) {
        return (MultimodalModel model, Manifest manifest) -> {
            Map<String, Double> metrics = new LinkedHashMap<>();
            RetrievalEvaluator.Result r = new RetrievalEvaluator(model, null).evaluate(manifest, cfg.data().valFirstCaptionOnly());
            put(metrics, "text_to_image", r.textToImage());
            put(metrics, "image_to_text", r.imageToText());
            for (String key : cfg.data().zeroShotKeys()) {
                Manifest labelled = manifest.filter(rec -> rec.get(key) != null);
                if (labelled.size() == 0) {
                    continue;
                }
                ZeroShotMetrics z = new ZeroShotEvaluator(model, null).evaluate(labelled, key, null,
                        List.of(ZeroShotEvaluator.DEFAULT_TEMPLATE));
                metrics.put("zero_shot." + key + ".top1", z.top1());
                metrics.put("zero_shot." + key + ".mean_per_class_recall", z.meanPerClassRecall());
            }
            if (model.hasFusion() && cfg.loss().answer() > 0) {
                VqaMetrics vqa = new VqaEvaluator(model, null).evaluate(manifest, VQA_VALIDATION_QUESTIONS).metrics();
                // Fractions like every other validation metric (the official report is in percent).
                metrics.put("vqa.accuracy", vqa.overall() / 100);
                vqa.perQuestionType().forEach((type, accuracy) -> metrics.put("vqa." + type, accuracy / 100));
            }
            return metrics;
        };
    }

    private static void put(Map<String, Double> metrics, String prefix, RetrievalMetrics.Summary s) {
        metrics.put(prefix + ".R@1", s.recallAt1());
        metrics.put(prefix + ".R@5", s.recallAt5());
        metrics.put(prefix + ".R@10", s.recallAt10());
        metrics.put(prefix + ".MRR", s.mrr());
    }

    private static void add(List<String> overrides, String key, Object value) {
        if (value != null) {
            overrides.add(key + "=" + value);
        }
    }
}
