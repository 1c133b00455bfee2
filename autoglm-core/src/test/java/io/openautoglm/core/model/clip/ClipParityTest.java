package io.openautoglm.core.model.clip;

import static io.openautoglm.core.ParityFixture.cosine;
import static io.openautoglm.core.ParityFixture.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.ParityFixture;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Our forward pass against openai/CLIP on the fixture's weights, in both checkpoint layouts. */
class ClipParityTest {
    static Stream<Path> layouts() {
        return Stream.of(ParityFixture.HF, ParityFixture.OPENAI);
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void embeddingsAndLogitsFromReferenceInputsMatch(Path dir) {
        double tol = ParityFixture.tolerance("embeds_from_reference_pixels");
        float[][] expectedImages = ParityFixture.matrix("image_embeds");
        float[][] expectedTexts = ParityFixture.matrix("text_embeds");
        try (MultimodalModel model = MultimodalModel.load(dir)) {
            int t = model.config().text().contextLength();
            float[][] images = model.embedPixels(ParityFixture.flat("pixel_values"), expectedImages.length, false);
            float[][] texts = model.embedTokenIds(ParityFixture.inputIds(), expectedTexts.length, t, false);
            System.out.printf("parity %s: max |image embed diff| %.2e, max |text embed diff| %.2e%n",
                    dir.getFileName(), maxAbsDiff(images, expectedImages), maxAbsDiff(texts, expectedTexts));
            assertThat(maxAbsDiff(images, expectedImages)).isLessThanOrEqualTo(tol);
            assertThat(maxAbsDiff(texts, expectedTexts)).isLessThanOrEqualTo(tol);

            float[][] logits = MultimodalModel.similarity(
                    model.embedPixels(ParityFixture.flat("pixel_values"), expectedImages.length, true),
                    model.embedTokenIds(ParityFixture.inputIds(), expectedTexts.length, t, true));
            float scale = model.logitScale();
            for (float[] row : logits) {
                for (int j = 0; j < row.length; j++) {
                    row[j] *= scale;
                }
            }
            assertThat(maxAbsDiff(logits, ParityFixture.matrix("logits_per_image"))).isLessThanOrEqualTo(tol * 10);
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void tokenizerReproducesReferenceIds(Path dir) {
        try (MultimodalModel model = MultimodalModel.load(dir)) {
            assertThat(model.tokenizer().encodeBatch(ParityFixture.texts())).containsExactly(ParityFixture.inputIds());
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void pngToEmbeddingMatchesReference(Path dir) {
        float[][] expected = ParityFixture.matrix("image_embeds");
        try (MultimodalModel model = MultimodalModel.load(dir)) {
            float[][] ours = model.embedImageFiles(ParityFixture.imageFiles(), EmbedOptions.defaults().withNormalize(false));
            for (int i = 0; i < expected.length; i++) {
                System.out.printf("parity %s: PNG %d -> embedding cosine %.6f%n", dir.getFileName(), i, cosine(ours[i], expected[i]));
                assertThat(cosine(ours[i], expected[i])).as("image %d", i).isGreaterThanOrEqualTo(0.999);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("layouts")
    void textsEmbedThroughTheTokenizerLikeReferenceIds(Path dir) {
        try (MultimodalModel model = MultimodalModel.load(dir)) {
            float[][] viaText = model.embedTexts(ParityFixture.texts(), EmbedOptions.defaults().withNormalize(false));
            assertThat(maxAbsDiff(viaText, ParityFixture.matrix("text_embeds")))
                    .isLessThanOrEqualTo(ParityFixture.tolerance("embeds_from_reference_pixels"));
        }
    }
}
