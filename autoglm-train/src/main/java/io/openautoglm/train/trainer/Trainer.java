package io.openautoglm.train.trainer;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.Provenance;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.io.Progress;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.core.model.clip.ModelDirectory;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.config.TrainConfigLoader;
import io.openautoglm.train.data.BatchLoader;
import io.openautoglm.train.data.HeadTasks;
import io.openautoglm.train.data.ImageTextDataset;
import io.openautoglm.train.data.RandomResizedCrop;
import io.openautoglm.train.optim.AdamW;
import io.openautoglm.train.optim.LearningRateSchedule;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The contrastive training loop: batches from the loader, one {@link TrainStep} each (symmetric
 * multi-positive InfoNCE and the other objectives, AdamW, clipping, accumulation), warmup + cosine
 * learning rate, periodic validation, atomic checkpoints and exact resume. Between steps it looks
 * at its {@link StopSignal}: a stop writes a checkpoint and ends the run, which {@code --resume}
 * continues exactly.
 */
public final class Trainer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final int MAX_CONSECUTIVE_SKIPS = 5;

    /** The hypergradient's learning-rate multiplier, in metrics.jsonl and trainer_state.json. */
    static final String LR_SCALE = "lr_scale";

    private final TrainConfig config;
    private final Validator validator;
    private final PrintStream log;
    private final StopSignal stop;
    private int skippedSteps;
    private int consecutiveSkips;

    /** A trainer that stops when the process is asked to ({@link StopSignal#process()}). */
    public Trainer(TrainConfig config, Validator validator, PrintStream log) {
        this(config, validator, log, StopSignal.process());
    }

    /** @param stop looked at after every step: when raised, the run writes a checkpoint and returns */
    public Trainer(TrainConfig config, Validator validator, PrintStream log, StopSignal stop) {
        this.config = config;
        this.validator = validator;
        this.log = log;
        this.stop = stop;
    }

    /**
     * What a run produced.
     *
     * @param modelDir the final model, or null when the run paused or stopped before its last step
     * @param steps steps completed (and checkpointed, when the run paused or stopped)
     * @param stoppedBy what stopped the run early ({@code SIGTERM}, ...), or null
     */
    public record Result(Path modelDir, long steps, double finalLoss, Map<String, Double> finalMetrics, Path bestDir,
            String stoppedBy) {
        public Result(Path modelDir, long steps, double finalLoss, Map<String, Double> finalMetrics, Path bestDir) {
            this(modelDir, steps, finalLoss, finalMetrics, bestDir, null);
        }
    }

    public Result run(boolean resume) throws IOException {
        return run(resume, Long.MAX_VALUE);
    }

    /**
     * @param resume continue from the latest checkpoint in the output folder
     * @param stopAfter end this session after this many steps in total (a checkpoint is written
     *     there), e.g. to split a long run into time-boxed sessions; the final model is written only
     *     when the configured number of steps is reached. The stop signal ends a session the same way.
     */
    public Result run(boolean resume, long stopAfter) throws IOException {
        Path out = Path.of(config.run().out());
        CheckpointStore checkpoints = new CheckpointStore(out, config.run().keepLast());
        Optional<Path> latest = checkpoints.latest();
        if (latest.isPresent() && !resume) {
            throw new UserInputException(out + " already holds a run (" + latest.get().getFileName()
                    + "): pass --resume to continue it, or choose another --out");
        }
        Files.createDirectories(out);
        String configYaml = TrainConfigLoader.toYaml(config);
        if (latest.isPresent()) {
            String saved = withDefaults(CheckpointStore.readState(latest.get()).path("config_yaml").asText(), latest.get());
            if (!withoutOut(saved).equals(withoutOut(configYaml))) {
                throw new UserInputException("the config differs from the one " + latest.get() + " was trained with; "
                        + "exact resume needs the same config (see its trainer_state.json)");
            }
        }
        TorchRuntime.engine();
        var imageLoader = new io.openautoglm.core.image.ImageLoader();
        Manifest trainManifest = Manifest.read(Path.of(config.data().train()));
        ImageTextDataset train = ImageTextDataset.open(trainManifest, config.data().positiveKey(),
                "skip".equals(config.data().onBadRecord()), config.data().hardNegatives() > 0,
                config.loss().answer() > 0 || config.model().fusionLayers() > 0 ? config.data().questionKeys() : List.of(), config.loss().tags() > 0 ? config.data().tagsKey() : null,
                config.loss().grounding() > 0, imageLoader, log);
        Manifest val = config.data().val() == null ? null : limit(Manifest.read(Path.of(config.data().val())), config.data().valLimit());
        log.printf(Locale.ROOT, "training on %d examples (%d skipped) from %s%s%n", train.size(), train.skipped().size(),
                trainManifest.file(), val == null ? "" : ", validating on " + val.size() + " from " + val.file());
        io.openautoglm.core.MklVendorCheck.note().ifPresent(log::println);

        String name = out.toAbsolutePath().normalize().getFileName().toString();
        if (config.loss().distill() != null && !Files.isDirectory(Path.of(config.loss().distill().teacher()))) {
            throw new UserInputException("loss.distill.teacher: no model folder at " + config.loss().distill().teacher());
        }
        try (MultimodalModel model = latest.isPresent() ? resumeModel(latest.get()) : TrainingModels.create(config, train, out, name);
                AlignmentObjectives alignment = AlignmentObjectives.open(config, model, captions(train))) {
            Map<String, Parameter> trainable = TrainStep.trainableParameters(model);
            long startStep = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            try (AdamW optimizer = new AdamW(model.manager(), trainable, config.optim().beta1(), config.optim().beta2(),
                    config.optim().eps(), config.optim().weightDecay());
                    BatchLoader loader = new BatchLoader(train, model.imageProcessor(), model.tokenizer(), imageLoader,
                            config.data().randomResizedCrop() ? new RandomResizedCrop(config.data().cropScaleMin()) : null,
                            config.optim().batchSize(), config.data().captionSampling(), config.data().hardNegatives(), config.seed(),
                            config.data().loaderThreads(), config.data().prefetchBatches(), heads(model),
                            config.data().corruptions().augmentation())) {
                Origin origin = new Origin(trainManifest, Sha256.of(trainManifest.file()), initWeightsSha256(model, latest.isPresent()));
                TrainStep trainStep = new TrainStep(model, optimizer, config, alignment);
                if (latest.isPresent()) {
                    ObjectNode state = CheckpointStore.readState(latest.get());
                    startStep = state.path("step").asLong();
                    bestScore = state.path("best_score").asDouble(Double.NEGATIVE_INFINITY);
                    optimizer.load(latest.get().resolve(CheckpointStore.OPTIMIZER));
                    alignment.load(latest.get());
                    if (trainStep.hypergradient() != null) {
                        trainStep.hypergradient().restore(state.path(LR_SCALE).asDouble(1.0));
                    }
                    log.printf(Locale.ROOT, "resuming from %s at step %d%n", latest.get(), startStep);
                }
                return loop(model, trainStep, alignment, loader, checkpoints, val, out, configYaml, origin, startStep, bestScore, stopAfter);
            }
        }
    }

    private Result loop(MultimodalModel model, TrainStep trainStep, AlignmentObjectives alignment, BatchLoader loader,
            CheckpointStore checkpoints, Manifest val, Path out, String configYaml, Origin origin, long startStep, double bestScore,
            long stopAfter) throws IOException {
        TrainConfig.Optim o = config.optim();
        LearningRateSchedule schedule = new LearningRateSchedule(o.lr(), Math.min(o.warmupSteps(), o.steps()), o.steps(), o.minLrRatio());
        Progress progress = Progress.start(new java.io.PrintWriter(log, true), "train steps", o.steps(), startStep);
        Map<String, Double> lastMetrics = Map.of();
        double lastLoss = Double.NaN;
        double lossSinceLog = 0;
        int stepsSinceLog = 0;
        Path bestDir = out.resolve("best");
        try (MetricsLog metrics = new MetricsLog(out.resolve("metrics.jsonl"), startStep)) {
            for (long step = startStep; step < o.steps(); step++) {
                double lr = schedule.at(step);
                TrainStep.Result stats = trainStep.run(step, lr, loader::get);
                noteSkipped(step, stats);
                lastLoss = stats.loss();
                lossSinceLog += stats.loss();
                stepsSinceLog++;
                long done = step + 1;
                if (done % config.run().logEvery() == 0 || done == o.steps()) {
                    ObjectNode line = JSON.createObjectNode();
                    line.put("step", done);
                    line.put("loss", stats.loss());
                    line.put("loss_avg", lossSinceLog / stepsSinceLog);
                    if (stats.parts().size() > 1) {
                        stats.parts().forEach((k, v) -> line.put("loss_" + k, v));
                    }
                    line.put("lr", stats.lr());
                    if (trainStep.hypergradient() != null) {
                        line.put("lr_scheduled", lr);
                        line.put(LR_SCALE, trainStep.hypergradient().scale());
                    }
                    line.put("grad_norm", stats.gradNorm());
                    line.put("logit_scale", stats.logitScale());
                    line.put("epoch", loader.epochsAt(done * o.gradAccum()));
                    line.put("time", Instant.now().toString());
                    metrics.write(line);
                    lossSinceLog = 0;
                    stepsSinceLog = 0;
                }
                progress.set(done, String.format(Locale.ROOT, "loss %.4f lr %.2e", stats.loss(), stats.lr()));
                boolean last = done == o.steps();
                String stopping = stop.reason(); // at the last step a stop changes nothing: the run ends anyway
                boolean evalNow = val != null && validator != null && (stopping == null || last)
                        && (last || (config.run().evalEvery() > 0 && done % config.run().evalEvery() == 0));
                Map<String, Double> validated = null;
                if (evalNow) {
                    try {
                        validated = validator.validate(model, val);
                    } catch (StopSignal.Stopped e) { // the process was asked to stop while validating
                        stopping = e.reason();
                        log.printf(Locale.ROOT, "%nstep %d: validation interrupted by %s%n", done, stopping);
                    }
                }
                evalNow = validated != null;
                if (evalNow) {
                    lastMetrics = validated;
                    ObjectNode line = JSON.createObjectNode();
                    line.put("step", done);
                    ObjectNode v = line.putObject("val");
                    lastMetrics.forEach(v::put);
                    metrics.write(line);
                    log.printf(Locale.ROOT, "%nstep %d validation: %s%n", done, summary(lastMetrics));
                }
                boolean pause = !last && (done >= stopAfter || stopping != null);
                boolean saveNow = last || pause || (config.run().checkpointEvery() > 0 && done % config.run().checkpointEvery() == 0);
                if (saveNow) {
                    Double score = evalNow ? lastMetrics.get(config.run().bestMetric()) : null;
                    boolean best = score != null && score > bestScore;
                    if (best) {
                        bestScore = score;
                    }
                    ObjectNode state = JSON.createObjectNode();
                    state.put("step", done);
                    state.put("best_score", bestScore);
                    state.put("best_metric", config.run().bestMetric());
                    state.put("config_yaml", configYaml);
                    if (trainStep.hypergradient() != null) {
                        state.put(LR_SCALE, trainStep.hypergradient().scale());
                    }
                    Path ckpt = checkpoints.save(done, model, trainStep.optimizer(), state,
                            provenance(model, done, lastLoss, lastMetrics, origin, configYaml), alignment::save);
                    if (best || (last && !Files.exists(bestDir))) {
                        checkpoints.markBest(ckpt, bestDir);
                    }
                }
                if (pause) {
                    progress.set(done, (stopping != null ? "stopped by " + stopping : "paused") + "; continue with --resume");
                    progress.finish();
                    return new Result(null, done, lastLoss, lastMetrics, Files.exists(bestDir) ? bestDir : null, stopping);
                }
            }
            progress.set(o.steps(), String.format(Locale.ROOT, "loss %.4f", lastLoss));
            progress.finish();
            Path modelDir = out.resolve("model");
            model.saveWith(modelDir, provenance(model, o.steps(), lastLoss, lastMetrics, origin, configYaml));
            metrics.plot(out.resolve("training.png"));
            return new Result(modelDir, o.steps(), lastLoss, lastMetrics, Files.exists(bestDir) ? bestDir : null);
        }
    }

    /**
     * A batch that produced an inf or NaN loss or gradient was dropped by the step rather than
     * poisoning the weights (the moments would carry the NaN forever); a run that keeps doing so
     * has diverged.
     */
    private void noteSkipped(long step, TrainStep.Result stats) {
        if (!stats.skipped()) {
            consecutiveSkips = 0;
            return;
        }
        List<String> bad = stats.nonFinite();
        skippedSteps++;
        consecutiveSkips++;
        log.printf(Locale.ROOT, "%nstep %d: non-finite loss (%s) or gradient norm (%s)%s; update skipped (%d so far)%n",
                step + 1, stats.loss(), stats.gradNorm(), bad.isEmpty() ? "" : " in " + bad.subList(0, Math.min(5, bad.size())),
                skippedSteps);
        if (consecutiveSkips >= MAX_CONSECUTIVE_SKIPS) {
            throw new IllegalStateException("training diverged: " + consecutiveSkips
                    + " steps in a row gave non-finite losses or gradients; lower optim.lr or raise optim.warmup_steps");
        }
    }

    /** The captions the teacher of loss.distill must tokenize as the student does. */
    private static List<String> captions(ImageTextDataset train) {
        return train.examples().stream().flatMap(ex -> ex.captions().stream()).distinct().limit(500).toList();
    }

    /** What the heads beside the contrastive loss learn from, or null when none trains. */
    private HeadTasks heads(MultimodalModel model) {
        TrainConfig.Loss loss = config.loss();
        if (!loss.usesFusion() && loss.tags() == 0) {
            return null;
        }
        Map<String, Integer> answers = loss.answer() > 0 ? indexOf(model.config().fusion().answers()) : null;
        Map<String, Integer> tags = loss.tags() > 0 ? indexOf(model.config().imageTags()) : null;
        return new HeadTasks(answers, config.data().questionsPerImage(), loss.caption() > 0, tags, loss.grounding() > 0);
    }

    private static Map<String, Integer> indexOf(List<String> labels) {
        Map<String, Integer> index = new LinkedHashMap<>();
        labels.forEach(label -> index.put(label, index.size()));
        return index;
    }

    private MultimodalModel resumeModel(Path checkpoint) {
        MultimodalModel model = MultimodalModel.load(checkpoint);
        TrainingModels.makeTrainable(model, config.model());
        return model;
    }

    /** What the run started from, fixed when a session starts: the data's hash, and the initial weights' hash. */
    private record Origin(Manifest trainManifest, String trainManifestSha256, String initWeightsSha256) {}

    /**
     * The hash of the weights model.init_from pointed at when the run began. A resumed run keeps
     * the one its checkpoint recorded: the folder may since hold other weights (a bundled model
     * replaced by its fine-tuned successor) or be gone. Null without init_from.
     */
    private String initWeightsSha256(MultimodalModel model, boolean resumed) throws IOException {
        if (config.model().initFrom() == null) {
            return null;
        }
        if (resumed) {
            Optional<String> recorded = TrainingProvenance.of(model.typedProvenance())
                    .map(TrainingProvenance::initFromWeightsSha256);
            if (recorded.isPresent()) {
                return recorded.get();
            }
            // a checkpoint from before the hash was recorded: the folder's weights are the best we know
        }
        Path initWeights = ModelDirectory.read(Path.of(config.model().initFrom())).weights(); // a run folder: its model/
        return Sha256.of(initWeights);
    }

    /** The model's provenance (its initialization, carried through checkpoints) with this run's training record. */
    private Provenance provenance(MultimodalModel model, long steps, double loss, Map<String, Double> metrics, Origin origin,
            String configYaml) {
        TrainingProvenance training = new TrainingProvenance(steps, steps * config.samplesPerStep(), loss, config.seed(),
                origin.trainManifest().file().toString(), origin.trainManifestSha256(), config.data().val(),
                config.model().initFrom(), origin.initWeightsSha256(), configYaml, metrics, Instant.now().toString());
        return training.addTo(model.typedProvenance());
    }

    /**
     * A checkpoint's config with the keys added since it was written at their defaults, so a
     * checkpoint from before a new option resumes; as saved if it no longer binds.
     */
    private static String withDefaults(String savedYaml, Path checkpoint) {
        try {
            return TrainConfigLoader.toYaml(TrainConfigLoader.fromSavedYaml(savedYaml, checkpoint.toString()));
        } catch (UserInputException e) {
            return savedYaml;
        }
    }

    /** Runs may move: the output folder is not part of what must match for an exact resume. */
    private static String withoutOut(String yaml) {
        return yaml.replaceAll("(?m)^(\\s+out:).*$", "$1");
    }

    private static Manifest limit(Manifest manifest, int limit) {
        if (limit <= 0 || manifest.size() <= limit) {
            return manifest;
        }
        int[] count = {0};
        return manifest.filter(r -> count[0]++ < limit);
    }

    private static String summary(Map<String, Double> metrics) {
        StringBuilder sb = new StringBuilder();
        metrics.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s=%.4f ", k, v)));
        return sb.toString().trim();
    }
}
