package io.openautoglm.train.trainer;

import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.ModelDirectory;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.core.model.fusion.FusionConfig;
import io.openautoglm.train.config.ModelPresets;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.data.ImageTextDataset;
import io.openautoglm.train.data.TrainingExample;
import io.openautoglm.train.tokenizer.WordPieceTokenizerBuilder;
import io.openautoglm.train.tokenizer.WordTokenizerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The model a run starts from: a preset with a vocabulary built from the data, or a checkpoint to
 * fine-tune. Fine-tuning can grow the model: fusion heads are added when the config asks for them
 * and the model has none, and a word-level vocabulary of ours gains the data's new words (kept
 * words keep their learned embeddings).
 */
public final class TrainingModels {
    private static final int MAX_WORDS = 30_000;
    private static final int MAX_ANSWERS = 3_000;
    private static final int MAX_TAGS = 10_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Parameters indexed by token id, remapped row by row when the vocabulary grows. */
    private static final List<String> TOKEN_TABLES = List.of("text_model.embeddings.token_embedding.weight",
            "text_decoder.embeddings.token_embedding.weight");

    /** The answer classifier's output rows, one per answer, which grow at the end when answers are added. */
    private static final List<String> ANSWER_ROWS = List.of("answer_head.out.weight", "answer_head.out.bias");

    private TrainingModels() {}

    public static MultimodalModel create(TrainConfig config, ImageTextDataset train, Path out, String name) throws IOException {
        TrainConfig.Model m = config.model();
        List<String> texts = texts(train);
        MultimodalModel model;
        if (m.initFrom() != null && !m.initFrom().isBlank()) {
            model = grow(MultimodalModel.load(Path.of(m.initFrom())), Path.of(m.initFrom()), texts, train, config, out, name);
            if (ClipConfig.TextConfig.BERT.equals(m.text().architecture()) && !model.config().text().isBert()) {
                model.close();
                throw new UserInputException("model.text.architecture is bert, but model.init_from " + m.initFrom()
                        + " has CLIP's text tower: the architecture shapes presets only; drop it or start from a BERT-tower model");
            }
        } else {
            Path tokenizer = out.resolve("tokenizer.json");
            ClipConfig clip;
            PreprocessorConfig preprocessor = PreprocessorConfig.clipDefaults(m.imageSize());
            if (config.loss().distill() != null) {
                // A distilled student reads the teacher's token ids and pixels: it takes the teacher's tokenizer and preprocessing.
                ModelDirectory teacher = ModelDirectory.read(Path.of(config.loss().distill().teacher()));
                if (teacher.preprocessor().imageSize() != m.imageSize()) {
                    throw new UserInputException("loss.distill.teacher reads " + teacher.preprocessor().imageSize() + "-pixel pictures, "
                            + "but model.image_size is " + m.imageSize() + ": the student must see the teacher's pixels; set model.image_size="
                            + teacher.preprocessor().imageSize());
                }
                java.nio.file.Files.copy(teacher.tokenizer(), tokenizer, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                ClipConfig.TextConfig t = teacher.config().text();
                clip = ModelPresets.build(m.preset(), m.imageSize(), t.contextLength(), m.patchStem(), t.architecture(), t.vocabSize(),
                        t.padId(), t.bosId(), t.eosId());
                preprocessor = teacher.preprocessor();
            } else {
                boolean bert = ClipConfig.TextConfig.BERT.equals(m.text().architecture());
                WordTokenizerBuilder.Vocabulary vocab = bert ? WordPieceTokenizerBuilder.vocabulary(texts, MAX_WORDS)
                        : WordTokenizerBuilder.vocabulary(texts, List.of(), 1, MAX_WORDS);
                if (bert) {
                    WordPieceTokenizerBuilder.write(vocab, tokenizer);
                } else {
                    WordTokenizerBuilder.write(vocab, tokenizer);
                }
                clip = ModelPresets.build(m.preset(), m.imageSize(), m.contextLength(), m.patchStem(), m.text().architecture(),
                        vocab.size(), vocab.padId(), vocab.bosId(), vocab.eosId());
            }
            if (m.fusionLayers() > 0) {
                clip = clip.withFusion(fusionConfig(m, clip, train));
            }
            if (config.loss().tags() > 0) {
                clip = clip.withImageTags(tagVocabulary(train, config));
            }
            clip = clip.withSimilarity(m.similarity());
            model = MultimodalModel.randomlyInitialized(clip, tokenizer, preprocessor, config.seed(), name);
        }
        if (config.loss().usesFusion() && !model.hasFusion()) {
            model.close();
            throw new UserInputException("loss.matching, loss.answer and loss.caption train the fusion heads, which this model "
                    + "lacks: set model.fusion_layers (2 is a good start) to add them");
        }
        makeTrainable(model, m);
        return model;
    }

    /** Every text the tokenizer must know: captions, hard negatives (else their words become unknown tokens), questions. */
    private static List<String> texts(ImageTextDataset train) {
        List<String> texts = new ArrayList<>();
        for (TrainingExample ex : train.examples()) {
            texts.addAll(ex.captions());
            texts.addAll(ex.hardNegatives());
            ex.questions().forEach(q -> texts.add(q.question()));
        }
        return texts;
    }

    private static FusionConfig fusionConfig(TrainConfig.Model m, ClipConfig clip, ImageTextDataset train) {
        List<String> answers = answerVocabulary(train);
        if (answers.isEmpty()) {
            answers = List.of("yes", "no"); // a head must have classes; no question trains it
        }
        return new FusionConfig(m.fusionLayers(), m.decoderLayers(), clip.text().heads(), clip.text().mlpSize(), answers,
                m.fusionImagePositions(), m.fusionAttendedPositions());
    }

    /** The training answers, most frequent first (ties alphabetical), at most {@value #MAX_ANSWERS} (VQA v2 keeps its top 3,129). */
    static List<String> answerVocabulary(ImageTextDataset train) {
        return byFrequency(train.examples().stream().flatMap(ex -> ex.questions().stream()).flatMap(qa -> qa.answers().stream())
                .toList(), MAX_ANSWERS);
    }

    /**
     * A fine-tuned answer head keeps its classes in their order and gains the training answers it
     * lacks at the end (most frequent first), up to {@value #MAX_ANSWERS} in all: otherwise questions
     * with new answers would train nothing.
     */
    static List<String> grownAnswers(List<String> known, ImageTextDataset train) {
        List<String> answers = new ArrayList<>(known);
        Set<String> seen = new HashSet<>(known);
        for (String answer : answerVocabulary(train)) {
            if (answers.size() >= MAX_ANSWERS) {
                break;
            }
            if (seen.add(answer)) {
                answers.add(answer);
            }
        }
        return answers;
    }

    /** Every tag of the training records, most frequent first (ties alphabetical), at most {@value #MAX_TAGS}. */
    static List<String> tagVocabulary(ImageTextDataset train, TrainConfig config) {
        List<String> tags = byFrequency(train.examples().stream().flatMap(ex -> ex.tags().stream()).toList(), MAX_TAGS);
        if (tags.isEmpty()) {
            throw new UserInputException("loss.tags is set, but no training record has tags under \"" + config.data().tagsKey()
                    + "\" (data.tags_key)");
        }
        return tags;
    }

    /** The distinct items, most frequent first (ties alphabetical), at most {@code limit}. */
    private static List<String> byFrequency(List<String> items, int limit) {
        Map<String, Integer> counts = new TreeMap<>();
        items.forEach(item -> counts.merge(item, 1, Integer::sum));
        return counts.entrySet().stream()
                .sorted((a, b) -> b.getValue().equals(a.getValue()) ? a.getKey().compareTo(b.getKey()) : b.getValue() - a.getValue())
                .limit(limit).map(Map.Entry::getKey).toList();
    }

    /** The loaded model, or a larger copy of it with new words, fusion heads, answers and/or a tag head. */
    private static MultimodalModel grow(MultimodalModel base, Path baseDir, List<String> texts, ImageTextDataset train,
            TrainConfig config, Path out, String name) throws IOException {
        ClipConfig target = base.config();
        Path tokenizer = ModelDirectory.read(baseDir).tokenizer();
        Map<Long, Long> remap = null; // old token id -> new
        List<String> known = wordLevelTokens(tokenizer);
        if (known != null && known.get(known.size() - 1).equals(WordTokenizerBuilder.EOS)) {
            WordTokenizerBuilder.Vocabulary grown = WordTokenizerBuilder.extend(known, texts, MAX_WORDS);
            if (grown.size() > known.size()) {
                tokenizer = out.resolve("tokenizer.json");
                WordTokenizerBuilder.write(grown, tokenizer);
                remap = new HashMap<>();
                for (int i = 0; i < known.size(); i++) {
                    remap.put((long) i, (long) grown.tokens().indexOf(known.get(i)));
                }
                target = target.withVocabulary(grown.size(), grown.padId(), grown.bosId(), grown.eosId());
            }
        }
        if (config.model().fusionLayers() > 0 && target.fusion() == null) {
            target = target.withFusion(fusionConfig(config.model(), target, train));
        } else if (target.fusion() != null) {
            if (config.loss().answer() > 0) {
                target = target.withFusion(target.fusion().withAnswers(grownAnswers(target.fusion().answers(), train)));
            }
            if (config.model().fusionImagePositions() && !target.fusion().imagePositions()) {
                target = target.withFusion(target.fusion().withImagePositions(true)); // starts at zero: the heads work as before
            }
            if (config.model().fusionAttendedPositions() && !target.fusion().attendedPositions()) {
                target = target.withFusion(target.fusion().withAttendedPositions(true)); // starts at zero too
            }
        }
        if (config.loss().tags() > 0 && target.imageTags().isEmpty()) {
            target = target.withImageTags(tagVocabulary(train, config));
        }
        // The saved config says which similarity the weights were trained for, so scorers pick the right one.
        target = target.withSimilarity(config.model().similarity());
        if (target.equals(base.config())) {
            return base;
        }
        try (base) {
            MultimodalModel grown = MultimodalModel.randomlyInitialized(target, tokenizer, base.preprocessor(), config.seed(), name);
            copyWeights(base, grown, remap);
            return grown;
        }
    }

    /** Copies every parameter the two models share; token tables row by row through {@code remap}. */
    private static void copyWeights(MultimodalModel from, MultimodalModel to, Map<Long, Long> remap) {
        Map<String, Parameter> source = from.network().namedParameters();
        for (Map.Entry<String, Parameter> e : to.network().namedParameters().entrySet()) {
            Parameter old = source.get(e.getKey());
            if (old == null) {
                continue; // new: stays randomly initialized
            }
            long[] shape = e.getValue().getArray().getShape().getShape();
            if (java.util.Arrays.equals(shape, old.getArray().getShape().getShape())) {
                e.getValue().getArray().set(old.getArray().toFloatArray());
            } else if (ANSWER_ROWS.contains(e.getKey()) && shape[0] > old.getArray().getShape().get(0)) {
                // A grown answer head: the known answers are the first rows, the new ones stay random.
                float[] rows = e.getValue().getArray().toFloatArray();
                float[] oldRows = old.getArray().toFloatArray();
                System.arraycopy(oldRows, 0, rows, 0, oldRows.length);
                e.getValue().getArray().set(rows);
            } else if (remap != null && TOKEN_TABLES.contains(e.getKey())) {
                float[] rows = e.getValue().getArray().toFloatArray();
                float[] oldRows = old.getArray().toFloatArray();
                int d = (int) shape[1];
                remap.forEach((o, n) -> System.arraycopy(oldRows, (int) (o * d), rows, (int) (n * d), d));
                e.getValue().getArray().set(rows);
            } else {
                throw new IllegalStateException("cannot carry " + e.getKey() + " over to the grown model");
            }
        }
    }

    /** The tokens of a word-level tokenizer.json in id order, or null for another kind (CLIP's BPE). */
    private static List<String> wordLevelTokens(Path tokenizerJson) throws IOException {
        JsonNode model = JSON.readTree(tokenizerJson.toFile()).path("model");
        if (!"WordLevel".equals(model.path("type").asText())) {
            return null;
        }
        Map<Integer, String> byId = new TreeMap<>();
        model.path("vocab").fields().forEachRemaining(e -> byId.put(e.getValue().asInt(), e.getKey()));
        List<String> tokens = new ArrayList<>(byId.values());
        return byId.size() == tokens.size() && (tokens.isEmpty() || byId.keySet().stream().mapToInt(i -> i).max().getAsInt() == tokens.size() - 1)
                ? tokens : null;
    }

    /**
     * Everything trains except a locked tower (LiT: a locked image tower keeps its projection too).
     * {@code unlocked_image_layers} lets the top layers of a locked image tower, its final norm and
     * its projection go on training: the layers below run forward only.
     */
    static void makeTrainable(MultimodalModel model, TrainConfig.Model m) {
        int layers = model.config().vision().layers();
        if (m.unlockedImageLayers() > layers) {
            throw new UserInputException("model.unlocked_image_layers is " + m.unlockedImageLayers() + " but the image tower has only "
                    + layers + " layers");
        }
        model.setTrainable(name -> !(m.lockImageTower() && lockedImageParameter(name, layers, m.unlockedImageLayers()))
                && !(m.lockTextTower() && (name.startsWith("text_model.") || name.startsWith("text_projection"))));
    }

    /** Whether a locked image tower of {@code layers} layers keeps this parameter fixed when its top {@code unlocked} train. */
    private static boolean lockedImageParameter(String name, int layers, int unlocked) {
        if (name.startsWith("visual_projection") || name.startsWith("vision_model.post_layernorm")) {
            return unlocked == 0;
        }
        String layerPrefix = "vision_model.encoder.layers.";
        if (name.startsWith(layerPrefix)) {
            int layer = Integer.parseInt(name.substring(layerPrefix.length(), name.indexOf('.', layerPrefix.length())));
            return layer < layers - unlocked;
        }
        return name.startsWith("vision_model.");
    }
}
