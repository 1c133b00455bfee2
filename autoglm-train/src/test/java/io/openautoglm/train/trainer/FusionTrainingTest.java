package io.openautoglm.train.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.FusionInference;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.fusion.CaptionSearch;
import io.openautoglm.train.ColorSquares;
import io.openautoglm.train.TinyRuns;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.data.Batch;
import io.openautoglm.train.data.BatchLoader;
import io.openautoglm.train.data.HeadTasks;
import io.openautoglm.train.data.ImageTextDataset;
import io.openautoglm.train.data.shapeworld.ShapeWorldConfig;
import io.openautoglm.train.data.shapeworld.ShapeWorldGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-task training of the fusion heads on colored squares with questions. */
class FusionTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream());

    @TempDir
    static Path data;

    static Path train;
    static Path val;

    @BeforeAll
    static void makeData() throws Exception {
        train = ColorSquares.write(data, "train", 96, 1, true, true);
        val = ColorSquares.write(data, "val", 24, 2, true, true);
    }

    /**
     * From scratch, all four objectives at once: the answer head learns the colors and the yes/no
     * questions, the decoder names the square's color, the matching head prefers the true color.
     * Both of each picture's questions are asked every step (data.questions_per_image).
     */
    @Test
    void allFourObjectivesLearn(@TempDir Path out) throws Exception {
        Trainer.Result result = new Trainer(TinyRuns.config(train, null, out, 50, "model.fusion_layers=1", "model.decoder_layers=1",
                "data.hard_negatives=1", "data.questions_per_image=2", "loss.matching=1", "loss.answer=1", "loss.caption=1", "optim.lr=0.002",
                "optim.warmup_steps=5"), null, QUIET).run(false);
        List<JsonNode> lines = metrics(out);
        for (String part : List.of("loss_contrastive", "loss_matching", "loss_answer", "loss_caption")) {
            double first = mean(lines.subList(0, 5), part);
            double last = mean(lines.subList(lines.size() - 5, lines.size()), part);
            assertThat(last).as(part).isLessThan(first * 0.7);
        }
        try (MultimodalModel model = MultimodalModel.load(result.modelDir())) {
            FusionInference fusion = model.fusion();
            assertThat(model.config().fusion().answers()).contains("red", "green", "blue", "yellow", "yes", "no");
            int rightAnswers = 0;
            int questions = 0;
            int rightCaptions = 0;
            int rightMatches = 0;
            List<ManifestRecord> records = Manifest.read(val).records();
            for (ManifestRecord r : records) {
                RgbImage image = model.imageLoader().load(r.image());
                for (JsonNode qa : r.fields().get("qa")) {
                    questions++;
                    rightAnswers += fusion.answer(image, qa.get("question").asText()).answer().equals(qa.get("answer").asText()) ? 1 : 0;
                }
                String caption = fusion.caption(List.of(image), CaptionSearch.Options.greedy()).get(0);
                rightCaptions += caption.startsWith(r.caption().substring(0, r.caption().lastIndexOf(' '))) ? 1 : 0; // "a red"
                String wrong = r.fields().get("hard_negatives").get(0).asText();
                float[] scores = fusion.matchScores(image, List.of(r.caption(), wrong));
                rightMatches += scores[0] > scores[1] ? 1 : 0;
            }
            // Chance: 1/4 for the color questions, 1/2 for yes/no.
            assertThat((double) rightAnswers / questions).isGreaterThanOrEqualTo(0.8);
            assertThat((double) rightCaptions / records.size()).isGreaterThanOrEqualTo(0.8);
            assertThat((double) rightMatches / records.size()).isGreaterThanOrEqualTo(0.8);
        }
    }

    /**
     * Fine-tuning a dual encoder whose vocabulary lacks the questions' words: the vocabulary grows,
     * known words keep their embeddings, and the fusion heads are added.
     */
    @Test
    void fineTuningGrowsTheVocabularyAndAddsHeads(@TempDir Path out) throws Exception {
        Path captionsOnly = ColorSquares.write(out.resolve("plain"), "train", 32, 3);
        Trainer.Result base = new Trainer(TinyRuns.config(captionsOnly, null, out.resolve("base"), 3), null, QUIET).run(false);
        Trainer.Result grown = new Trainer(TinyRuns.config(train, null, out.resolve("grown"), 2, "model.init_from=" + base.modelDir(),
                "model.fusion_layers=1", "loss.answer=1", "optim.lr=1e-9"), null, QUIET).run(false);
        try (MultimodalModel before = MultimodalModel.load(base.modelDir()); MultimodalModel after = MultimodalModel.load(grown.modelDir())) {
            assertThat(before.hasFusion()).isFalse();
            assertThat(after.hasFusion()).isTrue();
            assertThat(after.config().text().vocabSize()).isGreaterThan(before.config().text().vocabSize());
            float[] oldTable = before.network().namedParameters().get("text_model.embeddings.token_embedding.weight").getArray().toFloatArray();
            float[] newTable = after.network().namedParameters().get("text_model.embeddings.token_embedding.weight").getArray().toFloatArray();
            int d = before.config().text().width();
            for (String word : List.of("red", "blue")) {
                int oldId = (int) before.tokenizer().encode(word)[1];
                int newId = (int) after.tokenizer().encode(word)[1];
                for (int i = 0; i < d; i++) {
                    assertThat(newTable[newId * d + i]).isCloseTo(oldTable[oldId * d + i], org.assertj.core.data.Offset.offset(1e-6f));
                }
            }
            // "what" was unknown before and is a word of its own now.
            assertThat(before.tokenizer().encode("what")[1]).isEqualTo(1); // <unk>
            assertThat(after.tokenizer().encode("what")[1]).isNotEqualTo(1);
            // The towers carried over: the same picture embeds the same way.
            RgbImage image = before.imageLoader().load(Manifest.read(captionsOnly).records().get(0).image());
            assertThat(after.embedImages(List.of(image))[0]).containsExactly(before.embedImages(List.of(image))[0],
                    org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    /**
     * Fine-tuning a fusion model on questions from a second manifest key (data.question_keys) whose
     * answers it has never seen: the answer head keeps its classes and their weights, and gains the
     * new answers at the end.
     */
    @Test
    void fineTuningAFusionModelGrowsItsAnswersFromEveryQuestionKey(@TempDir Path out) throws Exception {
        Trainer.Result base = new Trainer(TinyRuns.config(train, null, out.resolve("base"), 3, "model.fusion_layers=1", "loss.answer=1"),
                null, QUIET).run(false);
        Path extra = train.resolveSibling("train-where.jsonl"); // beside train.jsonl: the same image paths
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(train)) {
            var record = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
            record.putArray("where_qa").addObject().put("question", "where is the square?").put("answer", "middle");
            lines.add(JSON.writeValueAsString(record));
        }
        Files.write(extra, lines);
        Trainer.Result tuned = new Trainer(TinyRuns.config(extra, null, out.resolve("tuned"), 2, "model.init_from=" + base.modelDir(),
                "loss.answer=1", "data.question_keys=[qa, where_qa]", "optim.lr=1e-9"), null, QUIET).run(false);
        try (MultimodalModel before = MultimodalModel.load(base.modelDir()); MultimodalModel after = MultimodalModel.load(tuned.modelDir())) {
            List<String> old = before.config().fusion().answers();
            List<String> grown = after.config().fusion().answers();
            assertThat(old).doesNotContain("middle");
            assertThat(grown).startsWith(old.toArray(String[]::new)).endsWith("middle").hasSize(old.size() + 1);
            for (String name : List.of("answer_head.out.weight", "answer_head.out.bias")) {
                float[] was = before.network().namedParameters().get(name).getArray().toFloatArray();
                float[] now = after.network().namedParameters().get(name).getArray().toFloatArray();
                assertThat(now).as(name).hasSize(was.length / old.size() * grown.size());
                for (int i = 0; i < was.length; i++) {
                    assertThat(now[i]).as(name + "[" + i + "]").isCloseTo(was[i], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    @Test
    void fusionObjectivesWithoutHeadsAreRefused(@TempDir Path out) {
        assertThatThrownBy(() -> new Trainer(TinyRuns.config(train, null, out, 2, "loss.answer=1"), null, QUIET).run(false))
                .isInstanceOf(UserInputException.class).hasMessageContaining("model.fusion_layers");
    }

    /**
     * The grounding loss on ShapeWorld: the batch marks the words that name one object (the shape
     * word or "object" ending the phrase) with that object's place, and training moves the first
     * fusion layer's attention onto the named objects (the loss falls well below where it starts).
     */
    @Test
    void groundingTargetsMarkTheNamingWordsAndTheLossFalls(@TempDir Path out) throws Exception {
        Path shapes = out.resolve("shapes");
        new ShapeWorldGenerator(ShapeWorldConfig.defaults(96, 3).withSize(32)).generate(shapes, false, line -> {});
        Path shapesTrain = shapes.resolve("train.jsonl");
        String[] settings = {"model.fusion_layers=2", "model.context_length=16", "model.fusion_attended_positions=true",
            "data.question_keys=[qa, spatial_qa]", "data.questions_per_image=2", "loss.answer=1", "loss.grounding=1", "optim.lr=0.003",
            "optim.warmup_steps=5"};
        TrainConfig config = TinyRuns.config(shapesTrain, null, out.resolve("run"), 40, settings);
        ImageTextDataset dataset = ImageTextDataset.open(Manifest.read(shapesTrain), null, false, false, List.of("qa", "spatial_qa"), null,
                true, new ImageLoader(), QUIET);
        try (MultimodalModel model = TrainingModels.create(config, dataset, out.resolve("created"), "t")) {
            Map<String, Integer> answers = new java.util.HashMap<>();
            model.config().fusion().answers().forEach(a -> answers.put(a, answers.size()));
            try (BatchLoader loader = new BatchLoader(dataset, model.imageProcessor(), model.tokenizer(), new ImageLoader(), null, 16, "first",
                    0, 7, 1, 1, new HeadTasks(answers, 2, false, null, true))) {
                Batch.FusionTargets targets = loader.get(0).fusion();
                int t = model.tokenizer().contextLength();
                int named = 0;
                for (int row = 0; row < 16 * 2; row++) {
                    for (int p = 0; p < t; p++) {
                        int at = (row * t + p) * 4;
                        if (targets.groundingTargets()[at] == 0) {
                            continue;
                        }
                        named++;
                        String word = model.tokenizer().decode(new long[] {targets.questionIds()[row * t + p]}).strip();
                        assertThat(word).isIn("circle", "square", "triangle", "diamond", "star", "cross", "object");
                        assertThat(targets.groundingTargets()[at + 1]).isBetween(0f, 1f);
                        assertThat(targets.groundingTargets()[at + 2]).isBetween(0f, 1f);
                        assertThat(targets.groundingTargets()[at + 3]).isBetween(0.05f, 0.25f);
                    }
                }
                assertThat(named).as("naming words in a batch of 32 questions").isGreaterThan(10);
            }
        }
        new Trainer(config, null, QUIET).run(false);
        List<JsonNode> lines = metrics(out.resolve("run"));
        double first = mean(lines.subList(0, 5), "loss_grounding");
        double last = mean(lines.subList(lines.size() - 5, lines.size()), "loss_grounding");
        assertThat(last).isLessThan(first * 0.7);
    }

    @Test
    void groundingWithoutAnswersIsRefused(@TempDir Path out) {
        assertThatThrownBy(() -> TinyRuns.config(train, null, out, 2, "model.fusion_layers=1", "loss.grounding=1"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("loss.grounding").hasMessageContaining("loss.answer");
    }

    private static List<JsonNode> metrics(Path out) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = JSON.readTree(l);
            if (n.has("loss")) {
                lines.add(n);
            }
        }
        return lines;
    }

    private static double mean(List<JsonNode> lines, String key) {
        return lines.stream().mapToDouble(n -> n.get(key).asDouble()).average().orElseThrow();
    }
}
