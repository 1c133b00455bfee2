package io.openautoglm.train.trainer;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.train.config.ModelPresets;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.data.ImageTextDataset;
import io.openautoglm.train.data.TrainingExample;
import io.openautoglm.train.tokenizer.WordTokenizerBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The model a run starts from: a preset with a vocabulary built from the data, or a checkpoint to fine-tune. */
public final class TrainingModels {
    private static final int MAX_WORDS = 30_000;

    private TrainingModels() {}

    public static MultimodalModel create(TrainConfig config, ImageTextDataset train, Path out, String name) throws IOException {
        TrainConfig.Model m = config.model();
        MultimodalModel model;
        if (m.initFrom() != null && !m.initFrom().isBlank()) {
            model = MultimodalModel.load(Path.of(m.initFrom()));
        } else {
            List<String> captions = new ArrayList<>();
            for (TrainingExample ex : train.examples()) {
                captions.addAll(ex.captions());
                captions.addAll(ex.hardNegatives()); // their words must not become unknown tokens
            }
            WordTokenizerBuilder.Vocabulary vocab = WordTokenizerBuilder.vocabulary(captions, List.of(), 1, MAX_WORDS);
            Path tokenizer = out.resolve("tokenizer.json");
            WordTokenizerBuilder.write(vocab, tokenizer);
            ClipConfig clip = ModelPresets.build(m.preset(), m.imageSize(), m.contextLength(), m.patchStem(), vocab.size(), vocab.padId(),
                    vocab.bosId(), vocab.eosId());
            model = MultimodalModel.randomlyInitialized(clip, tokenizer, PreprocessorConfig.clipDefaults(m.imageSize()),
                    config.seed(), name);
        }
        makeTrainable(model, m);
        return model;
    }

    /** Everything trains except a locked tower (LiT: a locked image tower keeps its projection too). */
    static void makeTrainable(MultimodalModel model, TrainConfig.Model m) {
        model.setTrainable(name -> !(m.lockImageTower() && (name.startsWith("vision_model.") || name.startsWith("visual_projection")))
                && !(m.lockTextTower() && (name.startsWith("text_model.") || name.startsWith("text_projection"))));
    }
}
