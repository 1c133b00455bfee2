package io.openautoglm.train.config;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.corrupt.Corruption;
import io.openautoglm.core.image.corrupt.RandomCorruption;
import java.util.List;

/**
 * Everything a training run needs, as read from a YAML file (see {@code configs/}). Every key is
 * documented in {@code docs/training.md}; unknown keys and bad values are errors naming the key.
 */
public record TrainConfig(long seed, Data data, Model model, Loss loss, Optim optim, Run run) {

    public TrainConfig {
        Checks.notNull("loss", loss);
        Checks.notNull("data", data);
        Checks.notNull("model", model);
        Checks.notNull("optim", optim);
        Checks.notNull("run", run);
        if (model.momentum() == 0 && (loss.queueSize() > 0 || loss.momentumDistill() > 0)) {
            throw new UserInputException("loss.queue_size and loss.momentum_distill use the keys of the momentum encoder: set "
                    + "model.momentum (0.995 is a good start)");
        }
        if (model.momentum() > 0 && loss.contrastive() == 0) {
            throw new UserInputException("model.momentum supplies the contrastive loss's keys, so it needs loss.contrastive above 0");
        }
        if (loss.queueSize() % optim.batchSize() != 0) {
            throw new UserInputException("config: loss.queue_size is " + loss.queueSize() + "; it must be a multiple of optim.batch_size ("
                    + optim.batchSize() + "), since every batch replaces one block of the queue");
        }
        if ("filip".equals(model.similarity())) {
            refuseWithFilip(model, loss);
        }
        if (loss.tags() > 0 && data.tagsKey() == null) {
            throw new UserInputException("loss.tags trains the image-tag head on each record's list of tags: set data.tags_key "
                    + "to the manifest key that holds them (ShapeWorld writes \"tags\")");
        }
    }

    /**
     * FILIP's token-wise similarity replaces the pooled one in the contrastive loss only; the
     * objectives built on pooled embeddings of their own would train a similarity the model is not
     * scored with, or hold pooled keys (the queue), so they are refused rather than silently mixed.
     */
    private static void refuseWithFilip(Model model, Loss loss) {
        if (loss.contrastive() == 0) {
            throw new UserInputException("model.similarity: filip changes the contrastive loss, so it needs loss.contrastive above 0");
        }
        if (model.momentum() > 0) {
            throw new UserInputException("model.similarity: filip does not combine with model.momentum / loss.queue_size: the momentum "
                    + "keys and the queue are pooled embeddings; drop one of them");
        }
        if (loss.triplet() != null && loss.triplet().weight() > 0) {
            throw new UserInputException("model.similarity: filip does not combine with loss.triplet: the triplet loss mines on pooled "
                    + "embeddings; drop one of them");
        }
        if (loss.distill() != null && loss.distill().weight() > 0) {
            throw new UserInputException("model.similarity: filip does not combine with loss.distill: the teacher's targets are for "
                    + "pooled similarities; drop one of them");
        }
    }

    /** Where the examples come from and how they are prepared. */
    public record Data(
            String train, String val, String positiveKey, String onBadRecord, boolean randomResizedCrop,
            double cropScaleMin, int loaderThreads, int prefetchBatches, int valLimit, List<String> zeroShotKeys,
            boolean valFirstCaptionOnly, String captionSampling, int hardNegatives, String tagsKey, int questionsPerImage,
            List<String> questionKeys, Corruptions corruptions) {
        public Data {
            corruptions = corruptions == null ? Corruptions.OFF : corruptions; // configs saved before the key existed
            questionKeys = questionKeys == null ? List.of() : List.copyOf(questionKeys);
            if (questionKeys.isEmpty()) {
                throw new UserInputException("data.question_keys must name at least one manifest key (the default is [qa])");
            }
            for (String key : questionKeys) {
                Checks.notBlank("data.question_keys", key);
            }
            if (tagsKey != null) {
                Checks.notBlank("data.tags_key", tagsKey);
            }
            Checks.range("data.hard_negatives", hardNegatives, 0, 64);
            Checks.range("data.questions_per_image", questionsPerImage, 1, 64);
            Checks.oneOf("data.caption_sampling", captionSampling, List.of("random", "first", "mixed"));
            zeroShotKeys = zeroShotKeys == null ? List.of() : List.copyOf(zeroShotKeys);
            Checks.notBlank("data.train", train);
            Checks.oneOf("data.on_bad_record", onBadRecord, List.of("fail", "skip"));
            Checks.range("data.crop_scale_min", cropScaleMin, 0.05, 1.0);
            Checks.range("data.loader_threads", loaderThreads, 1, 64);
            Checks.range("data.prefetch_batches", prefetchBatches, 1, 64);
            Checks.range("data.val_limit", valLimit, 0, Integer.MAX_VALUE);
        }
    }

    /**
     * Train-time corruptions ({@code data.corruptions}): with {@code probability} a training
     * picture gets one of {@code names} at a severity from 1 to {@code maxSeverity}, after its crop
     * and before preprocessing. Validation pictures never do. Empty names: off.
     */
    public record Corruptions(List<String> names, double probability, int maxSeverity) {
        public static final Corruptions OFF = new Corruptions(List.of(), 0.5, 3);

        public Corruptions {
            names = names == null ? List.of() : List.copyOf(names);
            Checks.range("data.corruptions.probability", probability, 0.0, 1.0);
            Checks.range("data.corruptions.max_severity", maxSeverity, Corruption.MIN_SEVERITY, Corruption.MAX_SEVERITY);
            if (!names.isEmpty()) {
                try {
                    Corruption.parseAll(names);
                } catch (UserInputException e) {
                    throw new UserInputException("config: data.corruptions.names: " + e.getMessage());
                }
            }
        }

        /** The augmentation, or null when it would never change a picture. */
        public RandomCorruption augmentation() {
            if (names.isEmpty() || probability == 0) {
                return null;
            }
            return new RandomCorruption(Corruption.parseAll(names), probability, maxSeverity);
        }
    }

    /** The network: a preset trained from scratch, or a checkpoint to fine-tune. */
    public record Model(
            String preset, String initFrom, boolean lockImageTower, int unlockedImageLayers, boolean lockTextTower,
            int imageSize, int contextLength, String patchStem, int fusionLayers, int decoderLayers, boolean fusionImagePositions,
            boolean fusionAttendedPositions, double momentum, Text text, String similarity) {
        public Model {
            Checks.notNull("model.text", text);
            similarity = similarity == null ? "pooled" : similarity; // configs saved before the key existed
            Checks.oneOf("model.similarity", similarity, List.of("pooled", "filip"));
            Checks.range("model.momentum", momentum, 0.0, 0.99999);
            Checks.range("model.fusion_layers", fusionLayers, 0, 48);
            Checks.range("model.decoder_layers", decoderLayers, 1, 48);
            Checks.oneOf("model.patch_stem", patchStem, List.of("patch", "conv"));
            Checks.oneOf("model.preset", preset, ModelPresets.NAMES);
            Checks.range("model.image_size", imageSize, 16, 1024);
            Checks.range("model.context_length", contextLength, 4, 512);
            Checks.range("model.unlocked_image_layers", unlockedImageLayers, 0, 1000);
            if (unlockedImageLayers > 0 && !lockImageTower) {
                throw new UserInputException("model.unlocked_image_layers keeps the top layers of a locked image tower training: "
                        + "it needs model.lock_image_tower: true (without it the whole tower trains)");
            }
            if (lockImageTower && lockTextTower) {
                throw new UserInputException("model.lock_image_tower and model.lock_text_tower are both true: nothing would train");
            }
        }
    }

    /**
     * The text tower of a model trained from scratch.
     *
     * @param architecture {@code clip} (CLIP's causal transformer, a word-level tokenizer) or {@code
     *     bert} (BERT's bidirectional post-norm layers pooled at [CLS], a WordPiece tokenizer of the data's words)
     */
    public record Text(String architecture) {
        public Text {
            Checks.oneOf("model.text.architecture", architecture, List.of("clip", "bert"));
        }
    }

    /**
     * Weights of the training objectives, summed into one loss: the dual encoder's contrastive
     * loss, and the fusion heads' image–text matching, answer classification and caption
     * language-model losses (these need a model with fusion heads: {@code model.fusion_layers > 0}
     * or an {@code init_from} model that has them). {@code tags} weighs an auxiliary multi-label
     * loss on the image embedding: which of the training set's tags ({@code data.tags_key}) each
     * picture has; it gives the image tower a direct signal for attributes that contrastive batches
     * rarely contrast (shape, when colour already tells most captions apart).
     */
    public record Loss(double contrastive, double matching, double answer, double caption, double tags, double grounding,
            Triplet triplet, int queueSize, double momentumDistill, Distill distill) {
        public Loss(double contrastive, double matching, double answer, double caption, double tags) {
            this(contrastive, matching, answer, caption, tags, 0);
        }

        public Loss(double contrastive, double matching, double answer, double caption, double tags, double grounding) {
            this(contrastive, matching, answer, caption, tags, grounding, null, 0, 0, null);
        }

        public Loss {
            Checks.range("loss.grounding", grounding, 0.0, 1000.0);
            if (grounding > 0 && answer == 0) {
                throw new UserInputException("loss.grounding trains on the question words that name an object, so it needs loss.answer "
                        + "above 0 too");
            }
            Checks.range("loss.tags", tags, 0.0, 1000.0);
            Checks.range("loss.contrastive", contrastive, 0.0, 1000.0);
            Checks.range("loss.matching", matching, 0.0, 1000.0);
            Checks.range("loss.answer", answer, 0.0, 1000.0);
            Checks.range("loss.caption", caption, 0.0, 1000.0);
            Checks.range("loss.queue_size", queueSize, 0, 1_048_576);
            Checks.range("loss.momentum_distill", momentumDistill, 0.0, 1.0);
            double extra = (triplet == null ? 0 : triplet.weight()) + (distill == null ? 0 : distill.weight());
            if (contrastive + matching + answer + caption + tags + extra == 0) {
                throw new UserInputException("loss: every weight is 0, so nothing would train");
            }
        }

        /** Whether any objective needs the fusion heads. */
        public boolean usesFusion() {
            return matching > 0 || answer > 0 || caption > 0;
        }
    }

    /**
     * The triplet loss on cosine similarities, both directions (each picture against its caption
     * and one mined false caption, each caption against its picture and one mined false picture).
     *
     * @param margin the gap a true pair must beat the negative by
     * @param marginGrowth added to the margin linearly over the run (the last step uses margin + growth)
     * @param mining {@code hardest}, {@code semi-hard} (FaceNet) or {@code random} negatives from the batch
     */
    public record Triplet(Double weight, Double margin, Double marginGrowth, String mining) {
        public static final List<String> MINING = List.of("hardest", "semi-hard", "random");

        public Triplet {
            weight = weight == null ? 1.0 : weight;
            margin = margin == null ? 0.2 : margin;
            marginGrowth = marginGrowth == null ? 0.0 : marginGrowth;
            mining = mining == null ? "semi-hard" : mining;
            Checks.range("loss.triplet.weight", weight, 0.0, 1000.0);
            Checks.range("loss.triplet.margin", margin, 0.0, 2.0);
            Checks.range("loss.triplet.margin_growth", marginGrowth, 0.0, 2.0);
            Checks.oneOf("loss.triplet.mining", mining, MINING);
        }

        /** The margin at a point of the run, {@code progress} in [0, 1]. */
        public double marginAt(double progress) {
            return margin + marginGrowth * progress;
        }
    }

    /**
     * Knowledge distillation from a frozen teacher model: the student's image-text similarity
     * distribution over the batch follows the teacher's, softened by a temperature that falls from
     * {@code temperature.start} to {@code temperature.end} over the run.
     */
    public record Distill(String teacher, Double weight, Temperature temperature) {
        public Distill {
            Checks.notBlank("loss.distill.teacher", teacher);
            weight = weight == null ? 1.0 : weight;
            temperature = temperature == null ? new Temperature(null, null) : temperature;
            Checks.range("loss.distill.weight", weight, 0.0, 1000.0);
        }
    }

    /** A temperature schedule: cosine from start to end over the run. */
    public record Temperature(Double start, Double end) {
        public Temperature {
            start = start == null ? 4.0 : start;
            end = end == null ? 1.0 : end;
            Checks.range("loss.distill.temperature.start", start, 0.01, 100.0);
            Checks.range("loss.distill.temperature.end", end, 0.01, 100.0);
            if (end > start) {
                throw new UserInputException("config: loss.distill.temperature falls during the run: end (" + end
                        + ") must not exceed start (" + start + ")");
            }
        }

        /** The temperature at a point of the run, {@code progress} in [0, 1]. */
        public double at(double progress) {
            return end + (start - end) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, progress))));
        }
    }

    /** AdamW with warmup + cosine decay, clipping and accumulation. */
    public record Optim(
            int steps, int batchSize, int gradAccum, double lr, double minLrRatio, int warmupSteps,
            double weightDecay, double beta1, double beta2, double eps, double gradClip, Hypergradient hypergradient) {
        public Optim {
            Checks.range("optim.steps", steps, 1, 100_000_000);
            Checks.range("optim.batch_size", batchSize, 2, 65_536);
            Checks.range("optim.grad_accum", gradAccum, 1, 1024);
            Checks.range("optim.lr", lr, 1e-9, 1.0);
            Checks.range("optim.min_lr_ratio", minLrRatio, 0.0, 1.0);
            Checks.range("optim.warmup_steps", warmupSteps, 0, 100_000_000); // capped at steps by the schedule
            Checks.range("optim.weight_decay", weightDecay, 0.0, 10.0);
            Checks.range("optim.beta1", beta1, 0.0, 0.9999);
            Checks.range("optim.beta2", beta2, 0.0, 0.99999);
            Checks.range("optim.eps", eps, 1e-12, 1.0);
            Checks.range("optim.grad_clip", gradClip, 0.0, 1e6);
        }
    }

    /**
     * Hypergradient descent on the learning rate (Baydin et al. 2018, the Adam variant): before each
     * update the rate moves by {@code beta} times the dot product of the new gradient with the
     * previous Adam update direction ({@code additive}), or is multiplied by 1 + beta times their
     * cosine ({@code multiplicative}, scale-free); the warmup and cosine schedule still shape it.
     */
    public record Hypergradient(Double beta, String rule) {
        public static final List<String> RULES = List.of("multiplicative", "additive");

        public Hypergradient {
            rule = rule == null ? "multiplicative" : rule;
            Checks.oneOf("optim.hypergradient.rule", rule, RULES);
            if (beta == null) {
                throw new UserInputException("config: optim.hypergradient.beta is required (e.g. 0.02 with the multiplicative rule)");
            }
            Checks.range("optim.hypergradient.beta", beta, 0.0, 10.0);
        }
    }

    /** Output folder, evaluation, checkpoints and logging. */
    public record Run(String out, int evalEvery, int checkpointEvery, int keepLast, String bestMetric, int logEvery) {
        public Run {
            Checks.notBlank("run.out", out);
            Checks.range("run.eval_every", evalEvery, 0, Integer.MAX_VALUE);
            Checks.range("run.checkpoint_every", checkpointEvery, 0, Integer.MAX_VALUE);
            Checks.range("run.keep_last", keepLast, 1, 1000);
            Checks.notBlank("run.best_metric", bestMetric);
            Checks.range("run.log_every", logEvery, 1, Integer.MAX_VALUE);
        }
    }

    /** Samples seen per optimizer step. */
    public int samplesPerStep() {
        return optim.batchSize() * optim.gradAccum();
    }
}
