package io.openautoglm.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.Provenance;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.ZeroShotResult;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.train.ColorSquares;
import io.openautoglm.train.TinyRuns;
import io.openautoglm.train.config.TrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    static Path data;

    static Path train;
    static Path val;

    /** A 3-step model the fine-tuning tests start from. */
    static Path base;

    /**
     * The run the resume and checkpoint tests share: 8 steps of 2 accumulated batches with the
     * image-tag head beside the contrastive loss, a checkpoint every 2 steps, the last 2 kept.
     * {@link #whole} ran it through; {@link #paused} stopped it after step 4 (mid-epoch: 8 of 96/16
     * batches), and is left paused: a test that resumes it works on a copy.
     */
    static final String[] SHARED_RUN = {"optim.grad_accum=2", "data.tags_key=label", "loss.tags=1", "run.checkpoint_every=2",
            "run.keep_last=2"};

    static Path whole;
    static Path paused;
    static Trainer.Result pausedResult;

    @BeforeAll
    static void makeDataAndSharedRuns() throws Exception {
        train = ColorSquares.write(data, "train", 96, 1);
        val = ColorSquares.write(data, "val", 40, 2);
        base = new Trainer(TinyRuns.config(train, null, data.resolve("base"), 3), null, QUIET).run(false).modelDir();
        whole = data.resolve("whole");
        new Trainer(sharedRun(whole), null, QUIET).run(false);
        paused = data.resolve("paused");
        pausedResult = new Trainer(sharedRun(paused), null, QUIET).run(false, 4);
    }

    static TrainConfig sharedRun(Path out) {
        return TinyRuns.config(train, null, out, 8, SHARED_RUN);
    }

    /** Many images share four captions; a short run must still learn them (chance is 0.25). */
    @Test
    void learnsToMatchColorsFromDuplicateCaptions(@TempDir Path out) throws Exception {
        TrainConfig config = TinyRuns.config(train, val, out, 60, "run.eval_every=30", "optim.warmup_steps=5");
        List<Map<String, Double>> validations = new ArrayList<>();
        Trainer.Result result = new Trainer(config, (model, manifest) -> {
            Map<String, Double> m = Map.of("zero_shot.top1", zeroShotAccuracy(model, manifest));
            validations.add(m);
            return m;
        }, QUIET).run(false);

        List<Double> losses = lossCurve(out);
        assertThat(losses).hasSize(60);
        double first = losses.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(55, 60).stream().mapToDouble(d -> d).average().orElseThrow();
        // With four captions in a batch of 16, each row has ~4 true matches, so the loss floor is
        // about ln 4 = 1.39 rather than 0; an untrained model sits near ln 16 = 2.77.
        assertThat(last).isLessThan(first - 0.5);
        assertThat(result.finalMetrics().get("zero_shot.top1")).isGreaterThanOrEqualTo(0.9);
        assertThat(validations).hasSize(2);
        try (MultimodalModel saved = MultimodalModel.load(result.modelDir())) {
            assertThat(zeroShotAccuracy(saved, Manifest.read(val))).isEqualTo(result.finalMetrics().get("zero_shot.top1"));
            TrainingProvenance training = TrainingProvenance.of(saved.typedProvenance()).orElseThrow();
            assertThat(training.steps()).isEqualTo(60);
            assertThat(training.samplesSeen()).isEqualTo(60 * 16);
            assertThat(training.finalLoss()).isEqualTo(result.finalLoss());
            assertThat(training.trainManifestSha256()).isEqualTo(Sha256.of(train));
            assertThat(training.valManifest()).isEqualTo(val.toString());
            assertThat(training.initFrom()).isNull();
            assertThat(training.metrics()).isEqualTo(result.finalMetrics());
            assertThat(saved.typedProvenance().details().get("initialization").asText()).isEqualTo("random");
            assertThat(saved.typedProvenance().weightsSha256()).isEqualTo(Sha256.of(result.modelDir().resolve("model.safetensors")));
        }
        assertThat(out.resolve("training.png")).isRegularFile();
        assertThat(out.resolve("best")).isDirectory();
    }

    /**
     * The same run with a conv stem and every other color as a hard negative of each picture: the batch's text
     * side grows from 16 to 16 + 32 rows and the model still learns the colors.
     */
    @Test
    void learnsWithHardNegatives(@TempDir Path out) throws Exception {
        Path withNegatives = ColorSquares.write(out.resolve("data"), "train", 96, 1, true);
        TrainConfig config = TinyRuns.config(withNegatives, val, out.resolve("run"), 40, "optim.warmup_steps=5",
                "data.hard_negatives=2", "model.patch_stem=conv");
        Trainer.Result result = new Trainer(config, (model, manifest) -> Map.of("zero_shot.top1", zeroShotAccuracy(model, manifest)),
                QUIET).run(false);
        assertThat(result.finalMetrics().get("zero_shot.top1")).isGreaterThanOrEqualTo(0.9);
    }

    /**
     * The image-tag objective alone (no contrastive loss, every caption the same) teaches the image
     * tower each picture's colour from its "label" tag; the head is saved with the model. (That a run
     * with the tag head resumes exactly is {@link #resumeReproducesTheUninterruptedLossCurve}.)
     */
    @Test
    void imageTagHeadLearnsTheTagsAndResumesExactly(@TempDir Path out) throws Exception {
        Path sameCaption = ColorSquares.write(out.resolve("data"), "same", 96, 1);
        Files.write(sameCaption, Files.readAllLines(sameCaption).stream()
                .map(line -> line.replaceFirst("\"caption\":\"[a-z]+\"", "\"caption\":\"a square\"")).toList());
        assertThat(Files.readString(sameCaption)).doesNotContain("\"caption\":\"red\"");
        String[] tags = {"optim.warmup_steps=5", "data.tags_key=label", "loss.tags=1", "loss.contrastive=0", "optim.lr=0.003"};
        Trainer.Result result = new Trainer(TinyRuns.config(sameCaption, null, out.resolve("run"), 40, tags), null, QUIET).run(false);

        List<Double> losses = lossCurve(out.resolve("run"));
        double first = losses.subList(0, 5).stream().mapToDouble(d -> d).average().orElseThrow();
        double last = losses.subList(35, 40).stream().mapToDouble(d -> d).average().orElseThrow();
        assertThat(first).isGreaterThan(0.5); // about ln 2: four tags, none known
        assertThat(last).isLessThan(first / 2);
        try (MultimodalModel saved = MultimodalModel.load(result.modelDir())) {
            assertThat(saved.config().imageTags()).containsExactlyInAnyOrder(ColorSquares.COLORS);
            assertThat(tagAccuracy(saved, Manifest.read(val))).isGreaterThanOrEqualTo(0.9);
        }

    }

    /** Fine-tuning a model that has no image-tag head with loss.tags adds one; everything else is carried over. */
    @Test
    void fineTuningWithTagsAddsTheHead(@TempDir Path out) throws Exception {
        try (MultimodalModel plain = MultimodalModel.load(base)) {
            assertThat(plain.config().imageTags()).isEmpty();
        }
        Trainer.Result tuned = new Trainer(TinyRuns.config(train, null, out.resolve("tuned"), 2, "model.init_from=" + base,
                "data.tags_key=label", "loss.tags=1"), null, QUIET).run(false);
        try (MultimodalModel grown = MultimodalModel.load(tuned.modelDir())) {
            assertThat(grown.config().imageTags()).containsExactlyInAnyOrder(ColorSquares.COLORS);
            assertThat(grown.network().namedParameters()).containsKeys("image_tag_head.weight", "image_tag_head.bias");
        }
    }

    /**
     * A locked image tower with its top layer unlocked: the stem and the lower layers keep their
     * weights exactly, the top layer, final norm and projection move, and so does the text tower.
     */
    @Test
    void lockedImageTowerTrainsOnlyItsUnlockedTopLayers(@TempDir Path out) throws Exception {
        Trainer.Result tuned = new Trainer(TinyRuns.config(train, null, out.resolve("tuned"), 3, "model.init_from=" + base,
                "model.lock_image_tower=true", "model.unlocked_image_layers=1", "optim.lr=0.01", "optim.warmup_steps=0"), null, QUIET)
                .run(false);
        try (MultimodalModel before = MultimodalModel.load(base); MultimodalModel after = MultimodalModel.load(tuned.modelDir())) {
            int top = before.config().vision().layers() - 1;
            assertThat(top).isPositive();
            var old = before.network().namedParameters();
            var now = after.network().namedParameters();
            List<String> moved = new ArrayList<>();
            List<String> kept = new ArrayList<>();
            for (String name : old.keySet()) {
                if (name.startsWith("vision_model.") || name.startsWith("visual_projection") || name.startsWith("text_model.encoder")) {
                    boolean same = Arrays.equals(old.get(name).getArray().toFloatArray(), now.get(name).getArray().toFloatArray());
                    (same ? kept : moved).add(name);
                }
            }
            assertThat(moved).contains("vision_model.encoder.layers." + top + ".mlp.fc1.weight", "vision_model.post_layernorm.weight",
                    "visual_projection.weight", "text_model.encoder.layers.0.mlp.fc1.weight");
            assertThat(moved).noneMatch(name -> name.startsWith("vision_model.embeddings") || name.startsWith("vision_model.pre_layrnorm")
                    || (name.startsWith("vision_model.encoder.layers.") && !name.startsWith("vision_model.encoder.layers." + top + ".")));
            assertThat(kept).contains("vision_model.encoder.layers.0.mlp.fc1.weight");
        }
        assertThatThrownBy(() -> TinyRuns.config(train, null, out.resolve("x"), 1, "model.unlocked_image_layers=1"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("model.lock_image_tower");
        assertThatThrownBy(() -> new Trainer(TinyRuns.config(train, null, out.resolve("y"), 1, "model.init_from=" + base,
                "model.lock_image_tower=true", "model.unlocked_image_layers=99"), null, QUIET).run(false))
                .isInstanceOf(UserInputException.class).hasMessageContaining("has only");
    }

    @Test
    void tagsNeedTheirKeyAndTheRecordsMustHoldStrings(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> TinyRuns.config(train, null, dir.resolve("a"), 2, "loss.tags=1"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("data.tags_key");
        assertThatThrownBy(() -> new Trainer(TinyRuns.config(train, null, dir.resolve("b"), 2, "loss.tags=1", "data.tags_key=colour"),
                null, QUIET).run(false)).isInstanceOf(UserInputException.class).hasMessageContaining("no training record has tags");
        Path manifest = ColorSquares.write(dir, "tags", 8, 3);
        List<String> lines = new ArrayList<>(Files.readAllLines(manifest));
        lines.set(4, lines.get(4).replaceFirst("\\{", "{\"tags\": [\"red\", 3], "));
        Files.write(manifest, lines);
        assertThatThrownBy(() -> new Trainer(TinyRuns.config(manifest, null, dir.resolve("c"), 2, "loss.tags=1", "data.tags_key=tags"),
                null, QUIET).run(false)).isInstanceOf(UserInputException.class).hasMessageContaining("tags.jsonl:5")
                .hasMessageContaining("list of strings");
    }

    /** Share of pictures whose likeliest tag (the image-tag head on the un-normalized embedding) is their label. */
    static double tagAccuracy(MultimodalModel model, Manifest manifest) {
        List<RgbImage> images = manifest.records().stream().map(r -> model.imageLoader().load(r.image())).toList();
        float[][] embeddings = model.embedImages(images, new io.openautoglm.core.EmbedOptions(16, false)); // (N, P)
        float[] w = model.network().namedParameters().get("image_tag_head.weight").getArray().toFloatArray(); // (K, P)
        float[] bias = model.network().namedParameters().get("image_tag_head.bias").getArray().toFloatArray(); // (K)
        List<String> tags = model.config().imageTags();
        int correct = 0;
        for (int i = 0; i < images.size(); i++) {
            int best = 0;
            double bestLogit = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < tags.size(); k++) {
                double logit = bias[k];
                for (int p = 0; p < embeddings[i].length; p++) {
                    logit += w[k * embeddings[i].length + p] * embeddings[i][p];
                }
                if (logit > bestLogit) {
                    bestLogit = logit;
                    best = k;
                }
            }
            correct += tags.get(best).equals(manifest.records().get(i).get("label")) ? 1 : 0;
        }
        return (double) correct / images.size();
    }

    /**
     * Stopping after step 4 and resuming gives the very loss curve of the uninterrupted run: the
     * weights, the tag head, the optimizer's moments, the learning-rate schedule and the loader's
     * place in its epoch all come back.
     */
    @Test
    void resumeReproducesTheUninterruptedLossCurve(@TempDir Path tmp) throws Exception {
        assertThat(pausedResult.modelDir()).isNull();
        assertThat(pausedResult.steps()).isEqualTo(4);
        assertThat(lossCurve(paused)).hasSize(4);
        assertThat(lossCurve(whole)).hasSize(8);
        Path split = copyOfPausedRun(tmp);
        assertThatThrownBy(() -> new Trainer(sharedRun(split), null, QUIET).run(false))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--resume");
        new Trainer(sharedRun(split), null, QUIET).run(true);
        assertThat(lossCurve(split)).containsExactlyElementsOf(lossCurve(whole));
    }

    /** The checkpoint a run resumed from is pruned later; saving must not need its files. */
    @Test
    void resumedRunOutlivesTheCheckpointItStartedFrom(@TempDir Path tmp) throws Exception {
        Path split = copyOfPausedRun(tmp);
        assertThat(split.resolve("checkpoints/step-00000004")).isDirectory();
        Trainer.Result result = new Trainer(sharedRun(split), null, QUIET).run(true);
        assertThat(result.modelDir().resolve("tokenizer.json")).isRegularFile();
        assertThat(split.resolve("checkpoints/step-00000004")).doesNotExist();
    }

    @Test
    void resumeWithAnotherConfigIsRefused() throws Exception {
        String[] otherLr = Arrays.copyOf(SHARED_RUN, SHARED_RUN.length + 1);
        otherLr[SHARED_RUN.length] = "optim.lr=0.01";
        assertThatThrownBy(() -> new Trainer(TinyRuns.config(train, null, paused, 8, otherLr), null, QUIET).run(true))
                .isInstanceOf(UserInputException.class).hasMessageContaining("config differs");
        assertThat(lossCurve(paused)).hasSize(4); // refused before any step
    }

    @Test
    void checkpointsKeepTheLastKAndLeaveNoTemporaryFolders() throws Exception {
        try (var dirs = Files.list(whole.resolve("checkpoints"))) {
            assertThat(dirs.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("step-00000006", "step-00000008");
        }
        assertThat(whole.resolve("checkpoints/step-00000008/optimizer.safetensors")).isRegularFile();
    }

    /**
     * Checkpoints whose provenance.json holds the training block as the trainer built it by hand,
     * key by key, resume: the block read back typed gives the weights model.init_from held when the
     * run began, kept although that folder now holds other weights (the older block, from before the
     * hash was recorded, falls back to the folder's weights). The block round-trips unchanged.
     */
    @Test
    void resumesFromCheckpointsWithTheHandBuiltProvenanceOfEarlierVersions(@TempDir Path tmp) throws Exception {
        Path init = tmp.resolve("init");
        copyTree(base, init);
        String initSha = Sha256.of(init.resolve("model.safetensors"));
        Path withHash = tmp.resolve("with-hash");
        new Trainer(TinyRuns.config(train, null, withHash, 4, "model.init_from=" + init), null, QUIET).run(false, 2);
        Path withoutHash = tmp.resolve("without-hash");
        copyTree(withHash, withoutHash);
        ObjectNode current = handBuiltProvenance(init, initSha);
        ObjectNode oldest = handBuiltProvenance(init, null);
        writeProvenance(withHash.resolve("checkpoints/step-00000002"), current);
        writeProvenance(withoutHash.resolve("checkpoints/step-00000002"), oldest);
        for (ObjectNode written : List.of(current, oldest)) {
            JsonNode block = written.get(TrainingProvenance.KEY);
            assertThat(TrainingProvenance.fromJson(block).toJson().toString()).isEqualTo(block.toString()); // keys, order, values
            assertThat(JSON.readTree(Provenance.fromJson(written).toJson().toString())).isEqualTo(written);
        }

        Files.copy(whole.resolve("checkpoints/step-00000008/model.safetensors"), init.resolve("model.safetensors"),
                StandardCopyOption.REPLACE_EXISTING); // init_from's folder now holds other weights
        String laterSha = Sha256.of(init.resolve("model.safetensors"));
        assertThat(laterSha).isNotEqualTo(initSha);
        for (Path run : List.of(withHash, withoutHash)) {
            Trainer.Result result = new Trainer(TinyRuns.config(train, null, run, 4, "model.init_from=" + init), null, QUIET).run(true);
            try (MultimodalModel saved = MultimodalModel.load(result.modelDir())) {
                TrainingProvenance training = TrainingProvenance.of(saved.typedProvenance()).orElseThrow();
                assertThat(training.steps()).isEqualTo(4);
                assertThat(training.samplesSeen()).isEqualTo(4 * 16);
                assertThat(training.initFrom()).isEqualTo(init.toString());
                assertThat(training.initFromWeightsSha256()).isEqualTo(run == withHash ? initSha : laterSha);
                assertThat(saved.provenance().fieldNames()).toIterable()
                        .containsExactlyInAnyOrder("initialization", "seed", "format", "autoglm_version", "djl_version", "engine",
                                "java_version", "saved_at", "training", "weights_sha256");
                assertThat(saved.provenance().get("training").fieldNames()).toIterable()
                        .containsExactly("steps", "samples_seen", "final_loss", "seed", "train_manifest", "train_manifest_sha256",
                                "init_from", "init_from_weights_sha256", "config_yaml", "metrics", "finished_at");
            }
        }
    }

    /**
     * provenance.json as the trainer wrote it before the typed record: the initialization, the
     * build stamp, then the training block put key by key; without {@code initSha}, as the first
     * trainer wrote it (no init_from_weights_sha256).
     */
    static ObjectNode handBuiltProvenance(Path init, String initSha) throws Exception {
        ObjectNode p = JSON.createObjectNode();
        p.put("initialization", "random");
        p.put("seed", 42);
        p.put("format", "open-autoglm");
        p.put("autoglm_version", "0.1.0-SNAPSHOT");
        p.put("djl_version", "0.36.0");
        p.put("engine", "PyTorch 2.7.1");
        p.put("java_version", "17.0.15");
        p.put("saved_at", "2026-11-26T13:53:23.119537265Z");
        ObjectNode training = p.putObject("training");
        training.put("steps", 2);
        training.put("samples_seen", 32);
        training.put("final_loss", 2.6931471805599454);
        training.put("seed", 42);
        training.put("train_manifest", train.toString());
        training.put("train_manifest_sha256", Sha256.of(train));
        training.put("init_from", init.toString());
        if (initSha != null) {
            training.put("init_from_weights_sha256", initSha);
        }
        training.put("config_yaml", "---\nseed: 42\n");
        training.putObject("metrics");
        training.put("finished_at", "2026-11-26T13:53:23.119219941Z");
        p.put("weights_sha256", "f304df3fbe359d6c8b408678c15d0949a977b38346ceaa1bfd4df8c0d975ffd9");
        return p;
    }

    static void writeProvenance(Path checkpoint, ObjectNode provenance) throws Exception {
        Files.writeString(checkpoint.resolve("provenance.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(provenance));
    }

    static Path copyOfPausedRun(Path tmp) throws Exception {
        Path copy = tmp.resolve("split");
        copyTree(paused, copy);
        return copy;
    }

    static void copyTree(Path from, Path to) throws Exception {
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }

    @Test
    void badRecordsAreFatalOrSkippedWithTheirLineNumbers(@TempDir Path dir) throws Exception {
        Path manifest = ColorSquares.write(dir, "mixed", 24, 3);
        List<String> lines = new ArrayList<>(Files.readAllLines(manifest));
        lines.add("{\"image\": \"img/missing.png\", \"caption\": \"red\"}");
        Files.writeString(dir.resolve("img/corrupt.png"), "not a png");
        lines.add("{\"image\": \"img/corrupt.png\", \"caption\": \"blue\"}");
        Files.write(manifest, lines);

        assertThatThrownBy(() -> new Trainer(TinyRuns.config(manifest, null, dir.resolve("a"), 2), null, QUIET).run(false))
                .isInstanceOf(UserInputException.class).hasMessageContaining("mixed.jsonl:25").hasMessageContaining("missing.png");

        ByteArrayOutputStream report = new ByteArrayOutputStream();
        new Trainer(TinyRuns.config(manifest, null, dir.resolve("b"), 2, "data.on_bad_record=skip"), null,
                new PrintStream(report, true)).run(false);
        assertThat(report.toString()).contains("mixed.jsonl:25").contains("mixed.jsonl:26").contains("2 skipped");
    }

    static double zeroShotAccuracy(MultimodalModel model, Manifest manifest) {
        List<RgbImage> images = manifest.records().stream().map(r -> model.imageLoader().load(r.image())).toList();
        List<ZeroShotResult> results = model.zeroShot(images, Arrays.asList(ColorSquares.COLORS), List.of("{}"));
        int correct = 0;
        for (int i = 0; i < images.size(); i++) {
            if (results.get(i).best().label().equals(manifest.records().get(i).get("label"))) {
                correct++;
            }
        }
        return (double) correct / images.size();
    }

    static List<Double> lossCurve(Path out) throws Exception {
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            if (n.has("loss")) {
                losses.add(n.get("loss").asDouble());
            }
        }
        return losses;
    }
}
