package io.openautoglm.core.model.bert;

import static io.openautoglm.core.ParityFixture.cosine;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.model.clip.CheckpointLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Hugging Face ChineseCLIPModel folder (tiny random weights, tools/make_chinese_clip_fixture.py)
 * against the plain-PyTorch reference forward: token ids, text and image embeddings.
 */
class ChineseClipParityTest {
    static final Path ROOT = Path.of("src/test/resources/fixtures/chinese-clip");
    static final Path FOLDER = ROOT.resolve("chinese-clip");
    private static JsonNode expected;
    private static MultimodalModel model;

    @BeforeAll
    static void load() throws IOException {
        expected = new ObjectMapper().readTree(ROOT.resolve("expected.json").toFile());
        model = MultimodalModel.load(FOLDER);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void loadsAsChineseClipWithABertTextTower() {
        assertThat(model.layout()).isEqualTo(CheckpointLayout.CHINESE_CLIP);
        assertThat(model.config().text().isBert()).isTrue();
        assertThat(model.preprocessor().resizeMode()).isEqualTo("squash"); // ChineseCLIP's processor does not crop
    }

    @Test
    void tokenIdsEqualTheReference() {
        List<String> texts = texts();
        for (int i = 0; i < texts.size(); i++) {
            long[] ours = model.tokenizer().encodeFull(texts.get(i));
            long[] reference = referenceRow(i);
            assertThat(ours).as(texts.get(i)).containsExactly(java.util.Arrays.copyOf(reference, ours.length));
            assertThat(reference).as("padding after [SEP]").containsOnly(java.util.stream.LongStream.concat(
                    java.util.Arrays.stream(ours), java.util.stream.LongStream.of(0)).toArray());
        }
    }

    @Test
    void ourWordPieceAgreesWithTheRustTokenizersLibrary() throws IOException {
        List<String> texts = new ArrayList<>(texts());
        texts.addAll(List.of("Ünïcödé  naïve\tcafé\u00a0RED-circles...", "   ", "红红火火 dogs' (jumping) 🙂 \u0000x",
                "supercalifragilistic squares, circled?", "a".repeat(120)));
        try (HuggingFaceTokenizer rust = HuggingFaceTokenizer.builder().optTokenizerPath(FOLDER.resolve("tokenizer.json"))
                .optAddSpecialTokens(true).optTruncation(false).optPadding(false).build()) {
            for (String text : texts) {
                assertThat(model.tokenizer().encodeFull(text)).as(text).containsExactly(rust.encode(text).getIds());
            }
        }
    }

    @Test
    void textEmbeddingsMatchTheReference() {
        double tol = expected.path("tolerance").path("cosine").asDouble();
        float[][] reference = matrix("text_embeds");
        float[][] viaText = model.embedTexts(texts(), EmbedOptions.defaults().withNormalize(false));
        int t = expected.path("input_ids").get(0).size();
        long[] ids = new long[reference.length * t];
        for (int i = 0; i < reference.length; i++) {
            System.arraycopy(referenceRow(i), 0, ids, i * t, t);
        }
        float[][] viaIds = model.embedTokenIds(ids, reference.length, t, false);
        for (int i = 0; i < reference.length; i++) {
            System.out.printf("chinese-clip parity: text %d cosine %.7f (from text), %.7f (from ids)%n", i,
                    cosine(viaText[i], reference[i]), cosine(viaIds[i], reference[i]));
            assertThat(cosine(viaText[i], reference[i])).as("text %d", i).isGreaterThanOrEqualTo(tol);
            assertThat(cosine(viaIds[i], reference[i])).as("ids %d", i).isGreaterThanOrEqualTo(tol);
        }
    }

    @Test
    void imageEmbeddingsFromPngMatchTheReference() {
        double tol = expected.path("tolerance").path("cosine").asDouble();
        float[][] reference = matrix("image_embeds");
        List<Path> files = new ArrayList<>();
        expected.path("images").forEach(n -> files.add(ROOT.resolve("images").resolve(n.asText())));
        float[][] ours = model.embedImageFiles(files, EmbedOptions.defaults().withNormalize(false));
        for (int i = 0; i < reference.length; i++) {
            System.out.printf("chinese-clip parity: image %d cosine %.7f%n", i, cosine(ours[i], reference[i]));
            assertThat(cosine(ours[i], reference[i])).as("image %d", i).isGreaterThanOrEqualTo(tol);
        }
    }

    private static List<String> texts() {
        List<String> texts = new ArrayList<>();
        expected.path("texts").forEach(n -> texts.add(n.asText()));
        return texts;
    }

    private static long[] referenceRow(int i) {
        JsonNode row = expected.path("input_ids").get(i);
        long[] ids = new long[row.size()];
        for (int j = 0; j < ids.length; j++) {
            ids[j] = row.get(j).asLong();
        }
        return ids;
    }

    private static float[][] matrix(String key) {
        JsonNode node = expected.path(key);
        float[][] m = new float[node.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new float[node.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = (float) node.get(i).get(j).asDouble();
            }
        }
        return m;
    }
}
