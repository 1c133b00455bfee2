package io.openautoglm.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link PilResampler} against Pillow's own {@code Image.resize} output (fixture made by
 * {@code pil-resample/make_fixture.py}): down- and upscaling, one axis only, bicubic and
 * bilinear, opaque RGB and RGBA with varying alpha (premultiplied resampling). Byte-exact.
 */
class ImageResizeParityTest {

    @Test
    void everyCaseIsByteIdenticalToPillow() throws Exception {
        Path dir = Paths.get(getClass().getResource("/pil-resample").toURI());
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("cases.json").toFile()).get("cases");
        ImageLoader loader = new ImageLoader();
        assertThat(cases.size()).isEqualTo(24);
        for (JsonNode c : cases) {
            RgbImage in = loader.load(dir.resolve(c.get("input").asText()));
            RgbImage want = loader.load(dir.resolve(c.get("expected").asText()));
            PilResampler.Filter filter = PilResampler.Filter.fromName(c.get("filter").asText());
            RgbImage got = PilResampler.resize(in, c.get("width").asInt(), c.get("height").asInt(), filter);
            String name = c.get("expected").asText();
            assertThat(got.width()).as(name).isEqualTo(want.width());
            assertThat(got.height()).as(name).isEqualTo(want.height());
            assertThat(mismatches(got.rgb(), want.rgb())).as(name + " rgb bytes differing").isZero();
            assertThat(alphaOrOpaque(got)).as(name + " alpha").isEqualTo(alphaOrOpaque(want));
        }
    }

    @Test
    void inputWithAlphaKeepsItsAlphaSoThePremultipliedPathIsExercised() throws Exception {
        Path dir = Paths.get(getClass().getResource("/pil-resample").toURI());
        RgbImage rgba = new ImageLoader().load(dir.resolve("in_rgba.png"));
        assertThat(rgba.hasAlpha()).isTrue();
        // Resampling straight (non-premultiplied) RGB must give a different answer here,
        // otherwise the fixture would not prove the premultiplication.
        RgbImage straight = PilResampler.resize(new RgbImage(23, 17, rgba.rgb()), 7, 5, PilResampler.Filter.BICUBIC);
        RgbImage premul = PilResampler.resize(rgba, 7, 5, PilResampler.Filter.BICUBIC);
        assertThat(mismatches(straight.rgb(), premul.rgb())).isPositive();
    }

    private static int mismatches(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i++) {
            n += a[i] != b[i] ? 1 : 0;
        }
        return n;
    }

    private static byte[] alphaOrOpaque(RgbImage img) {
        if (img.hasAlpha()) {
            return img.alpha();
        }
        byte[] a = new byte[img.width() * img.height()];
        Arrays.fill(a, (byte) 0xFF);
        return a;
    }
}
