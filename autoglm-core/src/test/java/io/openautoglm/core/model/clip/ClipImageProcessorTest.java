package io.openautoglm.core.model.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** Our preprocessing against the reference tensors of openai/CLIP (PIL + torchvision). */
class ClipImageProcessorTest {

    private static final Path FIXTURE = resource("/clip-parity/tiny-clip");

    @Test
    void matchesReferencePixelValuesForEveryFixtureImage() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(FIXTURE.resolve("expected.json").toFile());
        double tolerance = expected.get("tolerance").get("pixel_values").asDouble();
        ClipImageProcessor processor = new ClipImageProcessor(PreprocessorConfig.clipDefaults(32));
        ImageLoader loader = new ImageLoader();
        JsonNode names = expected.get("images");
        assertThat(names.size()).isEqualTo(5);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i).asText();
            RgbImage image = loader.load(FIXTURE.resolve("images").resolve(name));
            float[] actual = processor.preprocess(image); // (3, 32, 32)
            JsonNode ref = expected.get("pixel_values").get(i); // (3, 32, 32)
            assertThat(actual).hasSize(3 * 32 * 32);
            double maxDiff = 0;
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 32; y++) {
                    for (int x = 0; x < 32; x++) {
                        double want = ref.get(c).get(y).get(x).asDouble();
                        maxDiff = Math.max(maxDiff, Math.abs(actual[(c * 32 + y) * 32 + x] - want));
                    }
                }
            }
            System.out.printf("%s: max |diff| = %.3g%n", name, maxDiff);
            // 1e-5 is far below one uint8 step after normalization (1/255/0.27 = 0.0146):
            // the resampled bytes must be the reference's, not merely close.
            assertThat(maxDiff).as(name).isLessThanOrEqualTo(tolerance).isLessThan(1e-5);
        }
    }

    @Test
    void resizesShorterSideWithTruncationLikeTorchvision() {
        assertThat(ClipImageProcessor.shortestSideSize(97, 61, 32)).containsExactly(50, 32); // 32*97/61 = 50.88
        assertThat(ClipImageProcessor.shortestSideSize(45, 130, 32)).containsExactly(32, 92); // 92.44
        assertThat(ClipImageProcessor.shortestSideSize(32, 32, 32)).containsExactly(32, 32);
    }

    @Test
    void upscalesTinyPicturesAndNormalizesInFloat32LikeTorch() {
        // A 1x1 white picture upscaled to 4x4 stays white; (1 - mean) / std in float32 exactly.
        byte[] white = {(byte) 255, (byte) 255, (byte) 255};
        float[] t = new ClipImageProcessor(PreprocessorConfig.clipDefaults(4)).preprocess(new RgbImage(1, 1, white));
        assertThat(t[0]).isEqualTo((1f - PreprocessorConfig.OPENAI_MEAN[0]) / PreprocessorConfig.OPENAI_STD[0]);
        assertThat(t[2 * 16 + 15]).isEqualTo((1f - PreprocessorConfig.OPENAI_MEAN[2]) / PreprocessorConfig.OPENAI_STD[2]);
    }

    @Test
    void squashResizesBothSidesWithoutCropping() {
        byte[] rgb = new byte[8 * 2 * 3];
        for (int x = 0; x < 8; x++) {
            for (int y = 0; y < 2; y++) {
                rgb[(y * 8 + x) * 3] = (byte) (x < 4 ? 0 : 255); // left half black, right half red
            }
        }
        PreprocessorConfig squash = new PreprocessorConfig(4, new float[] {0, 0, 0}, new float[] {1, 1, 1},
                "bilinear", "squash");
        float[] t = new ClipImageProcessor(squash).preprocess(new RgbImage(8, 2, rgb));
        assertThat(t[0]).isEqualTo(0f); // leftmost column stays black: nothing was cropped away
        assertThat(t[3]).isEqualTo(1f); // rightmost column stays red
    }

    @Test
    void configReadsOurJsonAndOpenClipKeysAndRoundTrips() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        PreprocessorConfig openClip = PreprocessorConfig.fromJson(mapper.readTree(
                "{\"size\": [224, 224], \"mean\": [0.5, 0.5, 0.5], \"std\": [0.5, 0.5, 0.5],"
                        + " \"interpolation\": \"bilinear\", \"resize_mode\": \"squash\"}"), 32);
        assertThat(openClip.imageSize()).isEqualTo(224);
        assertThat(openClip.mean()).containsExactly(0.5f, 0.5f, 0.5f);
        assertThat(openClip.interpolation()).isEqualTo("bilinear");
        assertThat(openClip.resizeMode()).isEqualTo("squash");
        assertThat(PreprocessorConfig.fromJson(openClip.toJson(), 1)).isEqualTo(openClip);

        PreprocessorConfig hf = PreprocessorConfig.fromJson(mapper.readTree(
                "{\"size\": {\"shortest_edge\": 64}, \"image_mean\": [0.1, 0.2, 0.3]}"), 32);
        assertThat(hf.imageSize()).isEqualTo(64);
        assertThat(hf.mean()).containsExactly(0.1f, 0.2f, 0.3f);
        assertThat(hf.std()).containsExactly(PreprocessorConfig.OPENAI_STD);
        assertThat(PreprocessorConfig.fromJson(mapper.readTree("{}"), 32)).isEqualTo(PreprocessorConfig.clipDefaults(32));
    }

    @Test
    void configRefusesBadValuesWithOneClearMessage() {
        float[] ok = {0.5f, 0.5f, 0.5f};
        assertThatThrownBy(() -> new PreprocessorConfig(0, ok, ok, "bicubic", "shortest"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("image_size");
        assertThatThrownBy(() -> new PreprocessorConfig(32, new float[] {1, 2}, ok, "bicubic", "shortest"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("mean must have 3 values");
        assertThatThrownBy(() -> new PreprocessorConfig(32, ok, new float[] {1, 0, 1}, "bicubic", "shortest"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("std values must be > 0");
        assertThatThrownBy(() -> new PreprocessorConfig(32, ok, ok, "lanczos", "shortest"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("interpolation");
        assertThatThrownBy(() -> new PreprocessorConfig(32, ok, ok, "bicubic", "longest"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("resize_mode");
    }

    private static Path resource(String name) {
        try {
            return Paths.get(ClipImageProcessorTest.class.getResource(name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }
}
