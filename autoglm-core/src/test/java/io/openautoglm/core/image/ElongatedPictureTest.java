package io.openautoglm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.ClipImageProcessor;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pictures with extreme aspect ratios: the resize computes only the centre crop, so its memory is
 * the crop's whatever the long side becomes, and its pixels are those of the full resize.
 */
class ElongatedPictureTest {

    @Test
    void croppedResizeHasTheBitsOfTheFullResizeThenTheCrop() {
        Random random = new Random(7);
        int[][] cases = {{97, 61, 50, 32}, {45, 130, 32, 92}, {5, 40, 32, 256}, {300, 20, 40, 2}, {64, 64, 64, 64}, {32, 90, 32, 90}};
        for (int[] c : cases) {
            for (boolean alpha : new boolean[] {false, true}) {
                for (PilResampler.Filter filter : PilResampler.Filter.values()) {
                    RgbImage in = randomImage(random, c[0], c[1], alpha);
                    int outW = c[2];
                    int outH = c[3];
                    int cropW = Math.min(outW, 24);
                    int cropH = Math.min(outH, 24);
                    int left = (outW - cropW) / 2;
                    int top = (outH - cropH) / 3;
                    RgbImage full = PilResampler.resize(in, outW, outH, filter);
                    RgbImage cropped = PilResampler.resizeCropped(in, outW, outH, left, top, cropW, cropH, filter);
                    String what = Arrays.toString(c) + " alpha=" + alpha + " " + filter;
                    assertThat(cropped.rgb()).as(what).isEqualTo(crop(full.rgb(), 3, outW, left, top, cropW, cropH));
                    if (alpha) {
                        assertThat(cropped.alpha()).as(what).isEqualTo(crop(full.alpha(), 1, outW, left, top, cropW, cropH));
                    }
                }
            }
        }
    }

    @Test
    void aOneByTwoToTheTwentyFourPictureIsPreprocessedLikeAnyOther() {
        // Its resize is 224 x 3,758,096,384 (past any array); the old code threw NegativeArraySizeException.
        assertUniformAndQuick(1, 16_777_216);
        assertUniformAndQuick(16_777_216, 1);
    }

    @Test
    void aSixteenByTwoToTheTwentyPictureIsPreprocessedQuickly() {
        // Its full resize is 224 x 14,680,064 x 3 bytes (9.8 GB); the crop is 224 x 224.
        assertUniformAndQuick(16, 1_048_576);
    }

    @Test
    void squashingAnElongatedPictureIsRefusedWithAMessageNotAnAllocation() {
        PreprocessorConfig squash = new PreprocessorConfig(224, new float[] {0, 0, 0}, new float[] {1, 1, 1}, "bicubic", "squash");
        RgbImage tall = new RgbImage(1, 16_777_216, new byte[16_777_216 * 3]);
        assertThatThrownBy(() -> new ClipImageProcessor(squash).preprocess(tall))
                .isInstanceOf(UserInputException.class).hasMessageContaining("too elongated");
    }

    @Test
    void theLoaderRefusesAPictureMoreElongatedThanAThousandToOneFromItsHeader() throws Exception {
        ImageLoader loader = new ImageLoader();
        assertThatThrownBy(() -> loader.load(png(1, 2_000), "strip.png"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("strip.png is 1x2000, more elongated than 1000:1");
        assertThatThrownBy(() -> loader.load(png(3_001, 3), "band.png")).isInstanceOf(UserInputException.class);
        assertThat(loader.load(png(3, 3_000), "ok.png").height()).isEqualTo(3_000); // 1000:1 exactly is decoded
    }

    private static byte[] png(int w, int h) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_3BYTE_BGR), "png", out);
        return out.toByteArray();
    }

    private static void assertUniformAndQuick(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) 200; // a red picture: every output pixel is that red again
        }
        ClipImageProcessor processor = new ClipImageProcessor(
                new PreprocessorConfig(224, new float[] {0, 0, 0}, new float[] {1, 1, 1}, "bicubic", "shortest"));
        long start = System.nanoTime();
        float[] t = processor.preprocess(new RgbImage(w, h, rgb)); // (3, 224, 224)
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(t).hasSize(3 * 224 * 224);
        for (int i = 0; i < 224 * 224; i++) {
            assertThat(t[i]).isEqualTo(200 / 255f);
            assertThat(t[2 * 224 * 224 + i]).isZero();
        }
        assertThat(millis).as("preprocess of %dx%d, ms", w, h).isLessThan(3_000);
    }

    private static RgbImage randomImage(Random random, int w, int h, boolean alpha) {
        byte[] rgb = new byte[w * h * 3];
        random.nextBytes(rgb);
        if (!alpha) {
            return new RgbImage(w, h, rgb);
        }
        byte[] a = new byte[w * h];
        random.nextBytes(a);
        return new RgbImage(w, h, rgb, a);
    }

    private static byte[] crop(byte[] pixels, int ch, int w, int left, int top, int cropW, int cropH) {
        byte[] out = new byte[cropW * cropH * ch];
        for (int y = 0; y < cropH; y++) {
            System.arraycopy(pixels, ((top + y) * w + left) * ch, out, y * cropW * ch, cropW * ch);
        }
        return out;
    }
}
