package io.openautoglm.core.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.FilipScorer;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.ParityFixture;
import io.openautoglm.core.TorchRuntime;
import io.openautoglm.core.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

class FilipSimilarityTest {
    private static final int BOS = 5;
    private static final int EOS = 6;

    /**
     * Two pictures of two patches, two texts of three positions (start, words, end, padding) in 2-D,
     * worked out by hand. The start token and the padding are set to match the patches best, so
     * counting either changes the answer.
     */
    @Test
    void matchesAHandWorkedCaseWithStartTokensAndPaddingLeftOut() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            NDArray patches = m.create(new float[] {1, 0, 0, 1, 0.6f, 0.8f, -1, 0}, new Shape(2, 2, 2)); // (B, N, P)
            NDArray tokens = m.create(new float[] {1, 0, 0.8f, 0.6f, 0, 1, 0, 1, 0.6f, -0.8f, 1, 0}, new Shape(2, 3, 2)); // (T, L, P)
            NDArray ids = m.create(new long[] {BOS, 3, EOS, BOS, EOS, 0}, new Shape(2, 3)); // (T, L)
            NDArray mask = FilipSimilarity.tokenMask(ids, BOS, EOS); // (T, L)
            assertThat(mask.toFloatArray()).containsExactly(0, 1, 1, 0, 1, 0);
            NDList both = FilipSimilarity.similarities(patches, tokens, mask);
            float[] imageToText = both.get(0).toFloatArray(); // (B, T)
            float[] textToImage = both.get(1).toFloatArray(); // (T, B)
            float[] expectedImageToText = {0.9f, -0.1f, 0.48f, -0.44f};
            float[] expectedTextToImage = {0.9f, 0.88f, 0.6f, -0.28f};
            for (int i = 0; i < 4; i++) {
                assertThat(imageToText[i]).isCloseTo(expectedImageToText[i], within(1e-5f));
                assertThat(textToImage[i]).isCloseTo(expectedTextToImage[i], within(1e-5f));
            }
        }
    }

    @Test
    void aTextWithoutAnEndTokenCountsUpToItsHighestId() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            NDArray ids = m.create(new long[] {1, 4, 2, 3}, new Shape(1, 4)); // no start or end token: argmax at 1
            assertThat(FilipSimilarity.tokenMask(ids, BOS, EOS).toFloatArray()).containsExactly(1, 1, 0, 0);
        }
    }

    /** The token accessor at the end token is the pooled text embedding; the patch accessor drops the class token. */
    @Test
    void theAccessorsAgreeWithThePooledTowers() {
        try (MultimodalModel model = MultimodalModel.load(ParityFixture.HF); NDManager m = model.manager().newSubManager()) {
            ClipModel net = model.network();
            ParameterStore store = new ParameterStore(m, false);
            List<String> texts = List.of("a photo of a cat", "a red square");
            int t = model.tokenizer().contextLength();
            NDArray ids = m.create(model.tokenizer().encodeBatch(texts), new Shape(2, t)); // (T, C)
            NDArray tokens = net.projectTokens(store, net.textTokens(store, ids, false), false); // (T, C, P)
            NDArray pooled = net.encodeText(store, ids, false); // (T, P)
            long[] eos = ids.eq(net.config().text().eosId()).toType(ai.djl.ndarray.types.DataType.INT32, false).argMax(1).toLongArray();
            for (int i = 0; i < 2; i++) {
                float[] atEnd = tokens.get(i).get(eos[i]).toFloatArray();
                float[] expected = pooled.get(i).toFloatArray();
                for (int k = 0; k < expected.length; k++) {
                    assertThat(atEnd[k]).isCloseTo(expected[k], within(1e-5f));
                }
            }
            int s = model.preprocessor().imageSize();
            NDArray pixels = m.randomNormal(new Shape(1, 3, s, s)); // (1, 3, S, S)
            NDArray patches = net.projectPatches(store, net.imageTokens(store, pixels, false), false); // (1, N, P)
            assertThat(patches.getShape()).isEqualTo(new Shape(1, net.config().vision().numPatches(), net.config().projectionDim()));
        }
    }

    @Test
    void theSimilarityIsWrittenOnlyWhenItIsFilipAndReadBack() {
        ClipConfig pooled = ClipConfig.fromHuggingFace(new ObjectMapper().createObjectNode());
        assertThat(pooled.similarity()).isEqualTo(ClipConfig.POOLED);
        assertThat(pooled.toJson().has("similarity")).isFalse();
        ClipConfig filip = pooled.withSimilarity(ClipConfig.FILIP);
        assertThat(filip.toJson().path("similarity").asText()).isEqualTo("filip");
        assertThat(ClipConfig.fromHuggingFace(filip.toJson())).isEqualTo(filip);
        assertThat(filip.withFusion(null).similarity()).isEqualTo(ClipConfig.FILIP);
        assertThatThrownBy(() -> pooled.withSimilarity("colbert")).isInstanceOf(UserInputException.class)
                .hasMessageContaining("similarity must be \"pooled\" or \"filip\"");
    }

    @Test
    void theScorerRanksAPictureAgainstTextsInBothDirections() {
        try (MultimodalModel model = MultimodalModel.load(ParityFixture.HF)) {
            FilipScorer scorer = new FilipScorer(model);
            int s = model.preprocessor().imageSize();
            var images = List.of(new io.openautoglm.core.image.RgbImage(s, s, new byte[3 * s * s]),
                    new io.openautoglm.core.image.RgbImage(s, s, filled(3 * s * s, (byte) 0xFF)));
            FilipScorer.Pictures pictures = scorer.embedPictures(images, 1);
            FilipScorer.Texts texts = scorer.embedTexts(List.of("a black picture", "a white picture", "a cat"), 2);
            FilipScorer.Scores scores = scorer.score(pictures, texts);
            assertThat(scores.imageToText()).hasNumberOfRows(2);
            assertThat(scores.imageToText()[0]).hasSize(3);
            assertThat(scores.textToImage()).hasNumberOfRows(3);
            assertThat(scores.textToImage()[2]).hasSize(2);
            // Scoring one picture alone gives that picture's row: blocks and batches change nothing.
            FilipScorer.Scores alone = scorer.score(scorer.embedPictures(images.subList(1, 2), 4), texts);
            for (int j = 0; j < 3; j++) {
                assertThat(alone.imageToText()[0][j]).isCloseTo(scores.imageToText()[1][j], within(1e-5f));
                assertThat(alone.textToImage()[j][0]).isCloseTo(scores.textToImage()[j][1], within(1e-5f));
            }
        }
    }

    @Test
    void aLongTextIsReadInWindowsWithEveryWordCountedOnce() {
        try (MultimodalModel model = MultimodalModel.load(ParityFixture.HF)) {
            FilipScorer scorer = new FilipScorer(model);
            int t = model.tokenizer().contextLength();
            String longText = String.join(" ", java.util.Collections.nCopies(12, "a black cat on a white picture"));
            String shortText = "a cat";
            long[] raw = model.tokenizer().encodeFull(longText);
            int windows = TextWindows.count(raw.length, t);
            assertThat(windows).isGreaterThan(2);
            io.openautoglm.core.EmbedOptions options = io.openautoglm.core.EmbedOptions.defaults();
            FilipScorer.Texts read = scorer.embedTexts(List.of(shortText, longText), options);
            assertThat(read.length()).isEqualTo(windows * t);
            // Every word once, plus one end token; the start tokens never.
            assertThat(maskSum(read, 1)).isEqualTo(raw.length - 1);
            FilipScorer.Texts cut = scorer.embedTexts(List.of(shortText, longText), 2);
            assertThat(maskSum(read, 0)).isEqualTo(maskSum(cut, 0));
            // The first window is the cut text: same tokens, same embeddings.
            int p = read.dim();
            for (int k = 1; k < cut.length() - 1; k++) {
                for (int d = 0; d < p; d++) {
                    assertThat(read.tokens()[(read.length() + k) * p + d]).isCloseTo(cut.tokens()[(cut.length() + k) * p + d], within(1e-5f));
                }
            }
            // The short text scores as it does alone; --truncate gives the cut reading; too many windows is one clear error.
            int s = model.preprocessor().imageSize();
            FilipScorer.Pictures pictures = scorer.embedPictures(List.of(new io.openautoglm.core.image.RgbImage(s, s, new byte[3 * s * s])), 1);
            assertThat(scorer.score(pictures, read).textToImage()[0][0])
                    .isCloseTo(scorer.score(pictures, cut).textToImage()[0][0], within(1e-5f));
            assertThat(scorer.embedTexts(List.of(shortText, longText), options.withTruncate(true)).length()).isEqualTo(cut.length());
            assertThatThrownBy(() -> scorer.embedTexts(List.of(longText), options.withMaxWindows(2)))
                    .isInstanceOf(UserInputException.class).hasMessageContaining("windows");
        }
    }

    private static int maskSum(FilipScorer.Texts texts, int text) {
        int sum = 0;
        for (int k = 0; k < texts.length(); k++) {
            sum += Math.round(texts.mask()[text * texts.length() + k]);
        }
        return sum;
    }

    private static byte[] filled(int n, byte value) {
        byte[] a = new byte[n];
        java.util.Arrays.fill(a, value);
        return a;
    }
}
