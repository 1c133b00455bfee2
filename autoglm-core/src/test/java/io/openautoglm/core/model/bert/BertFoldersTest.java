package io.openautoglm.core.model.bert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.ParityFixture;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.checkpoint.SafetensorsWriter;
import io.openautoglm.core.model.clip.CheckpointLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BERT-tower folders beyond the parity fixture: our own saved copy, a dual encoder, and the towers we refuse. */
class BertFoldersTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TEXTS = List.of("一只红色的圆形", "a blue square");

    @TempDir
    Path tmp;

    @Test
    void savedAsOurDirectoryItReloadsWithTheSameEmbeddings() throws IOException {
        Path ours = tmp.resolve("ours");
        float[][] before;
        float[][] beforeImages;
        try (MultimodalModel model = MultimodalModel.load(ChineseClipParityTest.FOLDER)) {
            before = model.embedTexts(TEXTS);
            beforeImages = model.embedImageFiles(List.of(ChineseClipParityTest.ROOT.resolve("images/pic0.png")), EmbedOptions.defaults());
            model.save(ours, JSON.createObjectNode());
        }
        try (MultimodalModel reloaded = MultimodalModel.load(ours)) {
            assertThat(reloaded.layout()).isEqualTo(CheckpointLayout.OPEN_AUTOGLM);
            assertThat(reloaded.config().text().architecture()).isEqualTo("bert");
            assertThat(ParityFixture.maxAbsDiff(reloaded.embedTexts(TEXTS), before)).isLessThan(1e-6);
            assertThat(ParityFixture.maxAbsDiff(reloaded.embedImageFiles(
                    List.of(ChineseClipParityTest.ROOT.resolve("images/pic0.png")), EmbedOptions.defaults()), beforeImages)).isLessThan(1e-6);
        }
    }

    @Test
    void aTextLongerThanTheBertContextIsEmbeddedInWindows() {
        String longText = "一只红色的圆形 a small red circle on the big blue square ".repeat(4); // 84 tokens, context 40
        try (MultimodalModel model = MultimodalModel.load(ChineseClipParityTest.FOLDER)) {
            var counted = model.embedTextsCounted(List.of(longText), EmbedOptions.defaults());
            assertThat(counted.windows()[0]).isGreaterThan(1);
            var cut = model.embedTextsCounted(List.of(longText), EmbedOptions.defaults().withTruncate(true));
            assertThat(cut.truncated()[0]).isTrue();
            assertThat(ParityFixture.cosine(counted.vectors()[0], cut.vectors()[0])).isLessThan(0.99999);
        }
    }

    @Test
    void aVisionTextDualEncoderWithABertTowerLoadsItsNestedVisionKeysAndPooler() throws IOException {
        Path dual = copyFixture("dual");
        ObjectNode config = (ObjectNode) JSON.readTree(dual.resolve("config.json").toFile());
        config.put("model_type", "vision-text-dual-encoder");
        config.putArray("architectures").add("VisionTextDualEncoderModel");
        ((ObjectNode) config.get("text_config")).put("model_type", "bert");
        ((ObjectNode) config.get("vision_config")).put("model_type", "clip_vision_model");
        JSON.writeValue(dual.resolve("config.json").toFile(), config);
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        try (SafetensorsReader reader = SafetensorsReader.open(ChineseClipParityTest.FOLDER.resolve("model.safetensors"))) {
            for (String key : reader.tensors().keySet()) {
                String renamed = key.startsWith("vision_model.") ? "vision_model." + key : key; // CLIPVisionModel nests the tower
                tensors.put(renamed, new SafetensorsWriter.Tensor(reader.info(key).shape(), reader.readFloats(key)));
            }
        }
        int d = 32;
        float[] identity = new float[d * d];
        for (int i = 0; i < d; i++) {
            identity[i * d + i] = 1;
        }
        tensors.put("text_model.pooler.dense.weight", new SafetensorsWriter.Tensor(new long[] {d, d}, identity));
        tensors.put("text_model.pooler.dense.bias", new SafetensorsWriter.Tensor(new long[] {d}, new float[d]));
        SafetensorsWriter.write(dual.resolve("model.safetensors"), tensors, Map.of());
        List<Path> picture = List.of(ChineseClipParityTest.ROOT.resolve("images/pic1.png"));
        try (MultimodalModel chinese = MultimodalModel.load(ChineseClipParityTest.FOLDER);
                MultimodalModel model = MultimodalModel.load(dual)) {
            assertThat(model.layout()).isEqualTo(CheckpointLayout.DUAL_ENCODER);
            assertThat(model.config().text().bert().pooler()).isTrue();
            assertThat(ParityFixture.maxAbsDiff(model.embedImageFiles(picture, EmbedOptions.defaults()),
                    chinese.embedImageFiles(picture, EmbedOptions.defaults()))).isLessThan(1e-6);
            // With an identity pooler the pooled state is tanh([CLS]): not the ChineseCLIP embedding, but close in direction.
            float[][] pooled = model.embedTexts(TEXTS);
            float[][] cls = chinese.embedTexts(TEXTS);
            assertThat(ParityFixture.maxAbsDiff(pooled, cls)).isGreaterThan(1e-3);
            assertThat(ParityFixture.cosine(pooled[0], cls[0])).isGreaterThan(0.8);
        }
    }

    @Test
    void aTextTowerOfAnotherArchitectureIsOneClearError() throws IOException {
        Path folder = copyFixture("xlmr");
        ObjectNode config = (ObjectNode) JSON.readTree(folder.resolve("config.json").toFile());
        ((ObjectNode) config.get("text_config")).put("model_type", "xlm-roberta");
        JSON.writeValue(folder.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> MultimodalModel.load(folder)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("the text tower is 'xlm-roberta'")
                .hasMessageContaining("supported text towers: CLIP's text transformer (clip_text_model) and BERT");
    }

    @Test
    void anAltClipFolderNamesItsTextTower() throws IOException {
        Path folder = copyFixture("altclip");
        ObjectNode config = (ObjectNode) JSON.readTree(folder.resolve("config.json").toFile());
        config.put("model_type", "altclip");
        config.putArray("architectures").add("AltCLIPModel");
        ((ObjectNode) config.get("text_config")).put("model_type", "altclip_text_model");
        JSON.writeValue(folder.resolve("config.json").toFile(), config);
        assertThatThrownBy(() -> MultimodalModel.load(folder)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("the text tower is 'altclip_text_model'").hasMessageContaining("BERT");
    }

    @Test
    void aUnigramTokenizerForABertTowerIsOneClearError() throws IOException {
        Path folder = copyFixture("unigram");
        ObjectNode tokenizer = (ObjectNode) JSON.readTree(folder.resolve("tokenizer.json").toFile());
        ObjectNode model = JSON.createObjectNode();
        model.put("type", "Unigram");
        model.put("unk_id", 1);
        model.putArray("vocab").addArray().add("[PAD]").add(0.0);
        tokenizer.set("model", model);
        JSON.writeValue(folder.resolve("tokenizer.json").toFile(), tokenizer);
        assertThatThrownBy(() -> MultimodalModel.load(folder)).isInstanceOf(UserInputException.class)
                .hasMessageContaining("is a Unigram tokenizer, but a BERT text tower reads WordPiece ids");
    }

    private Path copyFixture(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        try (var files = Files.list(ChineseClipParityTest.FOLDER)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }
}
