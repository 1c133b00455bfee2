package io.openautoglm.core.model.fusion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.FusionInference;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.ParityFixture;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fixture's tiny CLIP with fusion heads on top, randomly initialized. */
class FusionModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ANSWERS = List.of("yes", "no", "red", "2");

    private static MultimodalModel fusionModel() throws Exception {
        return fusionModel(f -> f);
    }

    private static MultimodalModel fusionModel(java.util.function.UnaryOperator<FusionConfig> change) throws Exception {
        ClipConfig base = ClipConfig.fromHuggingFace(JSON.readTree(ParityFixture.HF.resolve("config.json").toFile()));
        ClipConfig config = base.withFusion(change.apply(new FusionConfig(2, 1, base.text().heads(), base.text().mlpSize(), ANSWERS)));
        return MultimodalModel.randomlyInitialized(config, ParityFixture.HF.resolve("tokenizer.json"),
                PreprocessorConfig.clipDefaults(base.vision().imageSize()), 5, "fusion-test");
    }

    /** The image tower's tokens of the fixture's first picture. */
    private static NDArray pictureTokens(MultimodalModel model, ParameterStore store, NDManager m) {
        RgbImage image = picture(model, "pic0_32x32_RGB.png");
        int s = model.imageProcessor().config().imageSize();
        return model.network().imageTokens(store, m.create(model.imageProcessor().preprocess(image), new Shape(1, 3, s, s)), false);
    }

    private static RgbImage picture(MultimodalModel m, String name) {
        return m.imageLoader().load(ParityFixture.IMAGES.resolve(name));
    }

    @Test
    void headsAreNamedSavedAndReloadedWithIdenticalAnswers(@TempDir Path dir) throws Exception {
        try (MultimodalModel model = fusionModel()) {
            assertThat(model.network().namedParameters().keySet()).contains(
                    "fusion_encoder.layers.1.cross_attn.k_proj.weight", "itm_head.weight", "answer_head.out.weight",
                    "text_decoder.embeddings.token_embedding.weight", "text_decoder.layers.0.cross_attn.q_proj.weight");
            RgbImage image = picture(model, "pic0_32x32_RGB.png");
            FusionInference fusion = model.fusion();
            float match = fusion.match(image, "a red square");
            FusionInference.Answer answer = fusion.answer(image, "what color is it?");
            assertThat(match).isBetween(0f, 1f);
            assertThat(ANSWERS).contains(answer.answer());
            assertThat(answer.top()).hasSize(4);
            assertThat(answer.top().stream().mapToDouble(a -> a.score()).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            model.save(dir.resolve("saved"), null);
            assertThat(Files.readString(dir.resolve("saved/config.json"))).contains("fusion_config", "\"red\"");
            try (MultimodalModel copy = MultimodalModel.load(dir.resolve("saved"))) {
                assertThat(copy.config()).isEqualTo(model.config());
                assertThat(copy.fusion().match(image, "a red square")).isEqualTo(match);
                assertThat(copy.fusion().answer(image, "what color is it?")).isEqualTo(answer);
                assertThat(copy.fusion().caption(List.of(image), new CaptionSearch.Options(2, 1.0, 5)))
                        .isEqualTo(fusion.caption(List.of(image), new CaptionSearch.Options(2, 1.0, 5)));
            }
        }
    }

    /** Training trims token columns after the longest text; the padding mask must make that change nothing. */
    @Test
    void paddingAfterTheEndTokenDoesNotChangeThePairState() throws Exception {
        try (MultimodalModel model = fusionModel(); NDManager m = model.manager().newSubManager()) {
            ClipModel net = model.network();
            ParameterStore store = new ParameterStore(m, false);
            long[] ids = model.tokenizer().encode("a red square");
            int used = 0;
            while (used < ids.length && ids[used] != net.config().text().eosId()) {
                used++;
            }
            used++; // the end token
            long[] trimmed = java.util.Arrays.copyOf(ids, used);
            RgbImage image = picture(model, "pic0_32x32_RGB.png");
            float[] px = model.imageProcessor().preprocess(image);
            int s = model.imageProcessor().config().imageSize();
            NDArray tokens = net.imageTokens(store, m.create(px, new Shape(1, 3, s, s)), false);
            NDArray full = m.create(ids, new Shape(1, ids.length));
            NDArray shorter = m.create(trimmed, new Shape(1, used));
            float[] a = net.fuse(store, net.textTokens(store, full, false), full, tokens, false).toFloatArray();
            float[] b = net.fuse(store, net.textTokens(store, shorter, false), shorter, tokens, false).toFloatArray();
            assertThat(used).isLessThan(ids.length);
            for (int i = 0; i < a.length; i++) {
                assertThat(a[i]).isCloseTo(b[i], org.assertj.core.data.Offset.offset(1e-4f));
            }
            // Class token of the image tokens is what the dual encoder embeds.
            NDArray projected = net.projectImage(store, tokens, false);
            NDArray direct = net.encodeImage(store, m.create(px, new Shape(1, 3, s, s)), false);
            assertThat(projected.sub(direct).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    /** Next-token logits at a position must not see the tokens after it. */
    @Test
    void captionDecoderIsCausal() throws Exception {
        try (MultimodalModel model = fusionModel(); NDManager m = model.manager().newSubManager()) {
            ClipModel net = model.network();
            ParameterStore store = new ParameterStore(m, false);
            NDArray tokens = pictureTokens(model, store, m); // (1, N + 1, Dv)
            long bos = net.config().text().bosId();
            NDArray one = net.captionLogits(store, m.create(new long[] {bos, 5, 9, 11}, new Shape(1, 4)), tokens, false);
            NDArray two = net.captionLogits(store, m.create(new long[] {bos, 5, 30, 40}, new Shape(1, 4)), tokens, false);
            assertThat(one.get("0, 0:2, :").sub(two.get("0, 0:2, :")).abs().max().getFloat()).isLessThan(1e-5f);
            assertThat(one.get("0, 2:, :").sub(two.get("0, 2:, :")).abs().max().getFloat()).isGreaterThan(1e-4f);
        }
    }

    /**
     * Cross-attention alone cannot tell where an image token is: shuffling the grid tokens leaves
     * the pair state unchanged. Image position features make it depend on the layout; they start
     * at zero (so adding them to a trained model changes nothing), and they survive save and load.
     */
    @Test
    void imagePositionFeaturesMakeTheLayoutCount(@TempDir Path dir) throws Exception {
        try (MultimodalModel model = fusionModel(positions -> positions.withImagePositions(true))) {
            assertLayoutCountsOnceTrained(model, "fusion_encoder.image_positions.weight", "\"image_position_features\" : true", dir);
            try (MultimodalModel copy = MultimodalModel.load(dir.resolve("saved"))) {
                assertThat(copy.config().fusion().imagePositions()).isTrue();
            }
        }
    }

    /**
     * The same for the positions the text tokens looked at after the first layer: an attention
     * average over a shuffled grid is the same average, until the looked-at position counts.
     */
    @Test
    void attendedPositionFeaturesMakeTheLayoutCount(@TempDir Path dir) throws Exception {
        try (MultimodalModel model = fusionModel(positions -> positions.withAttendedPositions(true))) {
            assertLayoutCountsOnceTrained(model, "fusion_encoder.attended_positions.weight", "\"attended_position_features\" : true", dir);
            try (MultimodalModel copy = MultimodalModel.load(dir.resolve("saved"))) {
                assertThat(copy.config().fusion().attendedPositions()).isTrue();
            }
        }
    }

    /**
     * Reversing the grid tokens leaves the pair state unchanged while {@code weight} is zero (as it
     * starts), and changes it once the weight is not; the weight survives save and load.
     */
    private static void assertLayoutCountsOnceTrained(MultimodalModel model, String weightName, String savedFlag, Path dir) throws Exception {
        try (NDManager m = model.manager().newSubManager()) {
            ClipModel net = model.network();
            ParameterStore store = new ParameterStore(m, false);
            NDArray tokens = pictureTokens(model, store, m); // (1, N + 1, Dv)
            long n = tokens.getShape().get(1);
            long[] order = new long[(int) n]; // class token first, the grid reversed
            for (int i = 1; i < n; i++) {
                order[i] = n - i;
            }
            NDArray shuffled = tokens.get(":, {}, :", m.create(order)); // (1, N + 1, Dv)
            long[] ids = model.tokenizer().encode("a red square");
            NDArray text = m.create(ids, new Shape(1, ids.length));
            float[] plain = net.fuse(store, net.textTokens(store, text, false), text, tokens, false).toFloatArray();
            float[] plainShuffled = net.fuse(store, net.textTokens(store, text, false), text, shuffled, false).toFloatArray();
            assertThat(plainShuffled).containsExactly(plain, org.assertj.core.data.Offset.offset(1e-5f));

            var weight = net.namedParameters().get(weightName);
            assertThat(weight.getArray().abs().max().getFloat()).isZero();
            float[] w = new float[(int) weight.getArray().size()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) Math.sin(i * 0.37);
            }
            weight.getArray().set(w);
            float[] placed = net.fuse(store, net.textTokens(store, text, false), text, tokens, false).toFloatArray();
            float[] placedShuffled = net.fuse(store, net.textTokens(store, text, false), text, shuffled, false).toFloatArray();
            double moved = 0;
            for (int i = 0; i < placed.length; i++) {
                moved = Math.max(moved, Math.abs(placed[i] - placedShuffled[i]));
            }
            assertThat(moved).isGreaterThan(1e-3);

            model.save(dir.resolve("saved"), null);
            assertThat(Files.readString(dir.resolve("saved/config.json"))).contains(savedFlag);
            try (MultimodalModel copy = MultimodalModel.load(dir.resolve("saved"))) {
                assertThat(copy.network().namedParameters().get(weightName).getArray().toFloatArray()).containsExactly(w);
            }
        }
    }

    /** The first layer's cross-attention, as the grounding loss reads it: per text token, weights over the picture tokens. */
    @Test
    void fusingWithAttentionGivesEachTokenItsWeightsOverThePicture() throws Exception {
        try (MultimodalModel model = fusionModel(); NDManager m = model.manager().newSubManager()) {
            ClipModel net = model.network();
            ParameterStore store = new ParameterStore(m, false);
            NDArray tokens = pictureTokens(model, store, m); // (1, N + 1, Dv)
            long[] ids = model.tokenizer().encode("a red square");
            NDArray text = m.create(ids, new Shape(1, ids.length));
            NDArray textTokens = net.textTokens(store, text, false);
            var fused = net.fuseWithAttention(store, textTokens, text, tokens, false);
            assertThat(fused.get(0).toFloatArray()).containsExactly(net.fuse(store, textTokens, text, tokens, false).toFloatArray());
            assertThat(fused.get(1).getShape()).isEqualTo(new Shape(1, ids.length, tokens.getShape().get(1)));
            float[] rowSums = fused.get(1).sum(new int[] {2}).toFloatArray();
            for (float sum : rowSums) {
                assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void positionFeaturesRunLeftToRightAndTopToBottom() {
        float[] f = ImagePositions.features(1 + 4 * 4); // (17, F)
        int k = ImagePositions.FEATURES;
        for (int j = 0; j < k; j++) {
            assertThat(f[j]).as("class token feature %d", j).isZero();
        }
        // Token 1 is the top-left cell, token 4 the top-right, token 13 the bottom-left.
        assertThat(f[1 * k]).isLessThan(f[4 * k]);
        assertThat(f[1 * k + 1]).isEqualTo(f[4 * k + 1]).isLessThan(f[13 * k + 1]);
        assertThatThrownBy(() -> ImagePositions.features(1 + 10)).isInstanceOf(UserInputException.class).hasMessageContaining("square grid");
        assertThat(FusionConfig.fromJson(new FusionConfig(1, 1, 2, 8, ANSWERS).toJson()).imagePositions()).isFalse();
        assertThat(FusionConfig.fromJson(new FusionConfig(1, 1, 2, 8, ANSWERS, true).toJson()).imagePositions()).isTrue();
    }

    @Test
    void aModelWithoutFusionHeadsSaysSo() throws Exception {
        try (MultimodalModel plain = MultimodalModel.load(ParityFixture.HF)) {
            assertThat(plain.hasFusion()).isFalse();
            assertThatThrownBy(plain::fusion).isInstanceOf(UserInputException.class).hasMessageContaining("no fusion heads");
        }
    }

    @Test
    void fusionConfigIsValidated() {
        assertThatThrownBy(() -> new FusionConfig(0, 1, 2, 8, ANSWERS)).hasMessageContaining("fusion num_hidden_layers");
        assertThatThrownBy(() -> new FusionConfig(1, 1, 2, 8, List.of())).hasMessageContaining("at least one answer");
        assertThatThrownBy(() -> new FusionConfig(1, 1, 2, 8, List.of("a", "a"))).hasMessageContaining("repeat");
    }
}
