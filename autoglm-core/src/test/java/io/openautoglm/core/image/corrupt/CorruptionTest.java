package io.openautoglm.core.image.corrupt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CorruptionTest {
    static RgbImage scene() {
        return scene(96, 80, 7);
    }

    /** A ShapeWorld-like picture: a textured, shaded background with a disc and a square. */
    static RgbImage scene(int w, int h, long seed) {
        byte[] rgb = new byte[w * h * 3];
        Random texture = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int base = 60 + x + texture.nextInt(30);
                int[] c = {base, 90 + y / 2, 150 - x / 2};
                if ((x - w * 0.3) * (x - w * 0.3) + (y - h * 0.5) * (y - h * 0.5) < h * h / 28.0) {
                    c = new int[] {220, 30, 40};
                }
                if (x > w * 0.6 && x < w * 0.88 && y > h * 0.25 && y < h * 0.58) {
                    c = new int[] {30, 60, 210};
                }
                for (int k = 0; k < 3; k++) {
                    rgb[(y * w + x) * 3 + k] = (byte) Math.min(255, Math.max(0, c[k]));
                }
            }
        }
        return new RgbImage(w, h, rgb);
    }

    static double rmse(RgbImage a, RgbImage b) {
        double sum = 0;
        for (int i = 0; i < a.rgb().length; i++) {
            double d = (a.rgb()[i] & 0xFF) - (b.rgb()[i] & 0xFF);
            sum += d * d;
        }
        return Math.sqrt(sum / a.rgb().length);
    }

    @ParameterizedTest
    @EnumSource(Corruption.class)
    void sameSeedAndPictureGiveTheSamePixels(Corruption c) {
        RgbImage clean = scene();
        RgbImage first = c.apply(clean, 3, 42L, "images/000001.png");
        RgbImage again = c.apply(scene(), 3, 42L, "images/000001.png");
        assertThat(again.rgb()).isEqualTo(first.rgb());
        assertThat(first.width()).isEqualTo(clean.width());
        assertThat(first.height()).isEqualTo(clean.height());
        assertThat(clean.rgb()).isEqualTo(scene().rgb()); // the input is not touched
    }

    @ParameterizedTest
    @EnumSource(value = Corruption.class, names = {"GAUSSIAN_NOISE", "SHOT_NOISE", "MOTION_BLUR", "OCCLUSION"})
    void theRandomOnesDependOnTheSeedAndThePicture(Corruption c) {
        RgbImage clean = scene();
        RgbImage a = c.apply(clean, 3, 42L, "a.png");
        assertThat(c.apply(clean, 3, 43L, "a.png").rgb()).isNotEqualTo(a.rgb());
        assertThat(c.apply(clean, 3, 42L, "b.png").rgb()).isNotEqualTo(a.rgb());
    }

    /**
     * Over four pictures of different sizes: one picture alone can break the order by an accident
     * of alignment (pixelate's grid at exactly half the size of a 96-pixel picture fits its square
     * better than the grid at 0.6 does), which is not what severity measures.
     */
    @ParameterizedTest
    @EnumSource(Corruption.class)
    void theDistanceToTheCleanPictureGrowsWithSeverity(Corruption c) {
        List<RgbImage> pictures = List.of(scene(64, 64, 1), scene(96, 80, 2), scene(75, 90, 3), scene(128, 128, 4));
        double previous = 0;
        StringBuilder seen = new StringBuilder();
        for (int s = 1; s <= 5; s++) {
            double d = 0;
            for (int i = 0; i < pictures.size(); i++) {
                RgbImage clean = pictures.get(i);
                d += rmse(clean, c.apply(clean, s, 11L, "scene" + i + ".png")) / pictures.size();
            }
            seen.append(String.format(" s%d=%.2f", s, d));
            assertThat(d).as(c.id() + " distances:" + seen).isGreaterThan(previous);
            previous = d;
        }
        // Severity 1 is a visible change, not a rounding error: at least half a grey level RMS.
        RgbImage clean = scene();
        assertThat(rmse(clean, c.apply(clean, 1, 11L, "scene.png"))).as(c.id()).isGreaterThan(0.5);
    }

    @Test
    void alphaIsKept() {
        RgbImage clean = scene();
        byte[] alpha = new byte[clean.width() * clean.height()];
        java.util.Arrays.fill(alpha, (byte) 100);
        RgbImage withAlpha = new RgbImage(clean.width(), clean.height(), clean.rgb(), alpha);
        for (Corruption c : Corruption.values()) {
            assertThat(c.apply(withAlpha, 2, 1L, "x").alpha()).as(c.id()).isEqualTo(alpha);
        }
    }

    @Test
    void spatialParametersScaleWithThePicture() {
        // At 224 px the blur is ImageNet-C's own; at 112 px half as wide: the same picture at half
        // the size is as blurred relative to its size, so its RMSE to the clean one stays close.
        RgbImage small = scene();
        RgbImage big = io.openautoglm.core.image.PilResampler.resize(small, 192, 160,
                io.openautoglm.core.image.PilResampler.Filter.BILINEAR);
        double dSmall = rmse(small, Corruption.GAUSSIAN_BLUR.apply(small, 5, 1L, "x"));
        double dBig = rmse(big, Corruption.GAUSSIAN_BLUR.apply(big, 5, 1L, "x"));
        assertThat(dBig).isBetween(dSmall * 0.5, dSmall * 1.5);
    }

    @Test
    void unknownNamesAndSeveritiesAreOneLineListingTheValidOnes() {
        assertThatThrownBy(() -> Corruption.parse("fog"))
                .isInstanceOf(UserInputException.class)
                .hasMessage("unknown corruption 'fog'; valid corruptions: gaussian_noise, shot_noise, gaussian_blur, motion_blur,"
                        + " occlusion, brightness, contrast, jpeg, pixelate");
        assertThatThrownBy(() -> Corruption.checkSeverity(7))
                .isInstanceOf(UserInputException.class)
                .hasMessage("severity 7 is out of range; valid severities: 1, 2, 3, 4, 5");
        assertThatThrownBy(() -> Corruption.parseSeverities("1-7")).hasMessageContaining("severity 7 is out of range");
        assertThatThrownBy(() -> Corruption.parseSeverities("x")).hasMessageContaining("not numbers");
        assertThatThrownBy(() -> Corruption.parseAll(List.of("jpeg", "jpeg"))).hasMessageContaining("given twice");
        assertThat(Corruption.parseSeverities("1-5")).containsExactly(1, 2, 3, 4, 5);
        assertThat(Corruption.parseSeverities("5,1,3")).containsExactly(1, 3, 5);
        assertThat(Corruption.parseAll(List.of(" JPEG", "occlusion"))).containsExactly(Corruption.JPEG, Corruption.OCCLUSION);
        assertThat(Corruption.parse("gaussian_noise").parameters(5)).containsExactly(0.38);
        assertThat(Corruption.MOTION_BLUR.parameters(2)).containsExactly(15.0, 5.0);
    }

    @Test
    void randomCorruptionAppliesWithItsProbability() {
        RgbImage clean = scene();
        RandomCorruption always = new RandomCorruption(List.of(Corruption.GAUSSIAN_NOISE, Corruption.OCCLUSION), 1.0, 3);
        RandomCorruption never = new RandomCorruption(List.of(Corruption.GAUSSIAN_NOISE), 0.0, 3);
        for (int i = 0; i < 20; i++) {
            assertThat(always.apply(clean, new SplittableRandom(i)).rgb()).isNotEqualTo(clean.rgb());
            assertThat(never.apply(clean, new SplittableRandom(i))).isSameAs(clean);
        }
        assertThatThrownBy(() -> new RandomCorruption(List.of(), 0.5, 3)).hasMessageContaining("no corruption is chosen");
        assertThatThrownBy(() -> new RandomCorruption(List.of(Corruption.JPEG), 1.5, 3)).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> new RandomCorruption(List.of(Corruption.JPEG), 0.5, 7)).hasMessageContaining("severity 7");
    }
}
