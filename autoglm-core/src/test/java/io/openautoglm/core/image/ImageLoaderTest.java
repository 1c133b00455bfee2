package io.openautoglm.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageLoaderTest {

    @TempDir
    Path tmp;

    private final ImageLoader loader = new ImageLoader();

    @Test
    void grayscale8BitKeepsStoredValuesWithoutJavasLinearGrayConversion() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setSample(1, 1, 0, 100);
        RgbImage rgb = loader.load(png(img, "gray8.png"));
        // getRGB() would report about 170 here (Java treats grey as linear light); Pillow says 100.
        assertThat(pixel(rgb, 1, 1)).containsExactly(100, 100, 100);
        assertThat(pixel(rgb, 0, 0)).containsExactly(0, 0, 0);
        assertThat(rgb.hasAlpha()).isFalse();
    }

    @Test
    void grayscale16BitKeepsTheHighByte() throws IOException {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 0xABCD);
        img.getRaster().setSample(1, 0, 0, 0x01FF);
        RgbImage rgb = loader.load(png(img, "gray16.png"));
        assertThat(pixel(rgb, 0, 0)).containsExactly(0xAB, 0xAB, 0xAB);
        assertThat(pixel(rgb, 1, 0)).containsExactly(0x01, 0x01, 0x01);
    }

    @Test
    void rgb16BitKeepsTheHighByteLikePillow() throws IOException {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
        WritableRaster raster = cm.createCompatibleWritableRaster(2, 1);
        raster.setPixel(0, 0, new int[] {0x12AB, 0xFF00, 0x00FF});
        raster.setPixel(1, 0, new int[] {0xFFFF, 0x8000, 0x7FFF});
        RgbImage rgb = loader.load(png(new BufferedImage(cm, raster, false, null), "rgb16.png"));
        assertThat(pixel(rgb, 0, 0)).containsExactly(0x12, 0xFF, 0x00);
        assertThat(pixel(rgb, 1, 0)).containsExactly(0xFF, 0x80, 0x7F);
    }

    @Test
    void palettePngGivesThePaletteColours() throws IOException {
        byte[] r = {(byte) 10, (byte) 200, (byte) 0, (byte) 255};
        byte[] g = {(byte) 20, (byte) 100, (byte) 255, (byte) 255};
        byte[] b = {(byte) 30, (byte) 50, (byte) 0, (byte) 255};
        BufferedImage img = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 4, r, g, b));
        for (int x = 0; x < 4; x++) {
            img.getRaster().setSample(x, 0, 0, 3 - x);
        }
        RgbImage rgb = loader.load(png(img, "palette.png"));
        assertThat(pixel(rgb, 0, 0)).containsExactly(255, 255, 255);
        assertThat(pixel(rgb, 2, 0)).containsExactly(200, 100, 50);
        assertThat(pixel(rgb, 3, 0)).containsExactly(10, 20, 30);
        assertThat(rgb.hasAlpha()).isFalse();
    }

    @Test
    void rgbaPngKeepsStoredRgbAndCarriesAlphaForTheResize() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, 0x000A141E); // fully transparent, colour (10, 20, 30) hidden under it
        img.setRGB(1, 0, 0x80C86432); // half transparent (200, 100, 50)
        RgbImage rgb = loader.load(png(img, "rgba.png"));
        assertThat(pixel(rgb, 0, 0)).containsExactly(10, 20, 30); // not blended, not premultiplied
        assertThat(pixel(rgb, 1, 0)).containsExactly(200, 100, 50);
        assertThat(rgb.alpha()).containsExactly(0, 0x80);
    }

    @Test
    void fullyOpaqueAlphaIsDropped() throws IOException {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_ARGB);
        for (int i = 0; i < 4; i++) {
            img.setRGB(i % 2, i / 2, 0xFF112233);
        }
        RgbImage rgb = loader.load(png(img, "opaque-rgba.png"));
        assertThat(rgb.hasAlpha()).isFalse();
        assertThat(pixel(rgb, 0, 0)).containsExactly(0x11, 0x22, 0x33);
    }

    @Test
    void baselineJpegDecodesToKnownColours() {
        assertBlocks(loader.load(resource("baseline.jpg")), 2);
    }

    @Test
    void progressiveJpegDecodesToKnownColours() {
        RgbImage progressive = loader.load(resource("progressive.jpg"));
        assertBlocks(progressive, 2);
        // Same encoder settings as baseline.jpg, so the pixels agree closely.
        RgbImage baseline = loader.load(resource("baseline.jpg"));
        for (int i = 0; i < baseline.rgb().length; i++) {
            assertThat(Math.abs((progressive.rgb()[i] & 0xFF) - (baseline.rgb()[i] & 0xFF))).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void cmykJpegDecodesToRgb() {
        // Adobe CMYK JPEG written by Pillow from pure red/green/blue/white blocks.
        RgbImage rgb = loader.load(resource("cmyk.jpg"));
        assertThat(rgb.width()).isEqualTo(16);
        // Pillow gives exactly these (no ICC profile in the file, so no colour management either way).
        assertNear(pixel(rgb, 3, 3), new int[] {255, 0, 0}, 2);
        assertNear(pixel(rgb, 12, 3), new int[] {0, 255, 0}, 2);
        assertNear(pixel(rgb, 3, 12), new int[] {0, 0, 255}, 2);
        assertNear(pixel(rgb, 12, 12), new int[] {255, 255, 255}, 2);
    }

    @Test
    void loadingFromBytesEqualsLoadingTheFile() throws IOException {
        Path file = resource("baseline.jpg");
        RgbImage fromBytes = loader.load(Files.readAllBytes(file), "upload.jpg");
        assertThat(fromBytes.rgb()).isEqualTo(loader.load(file).rgb());
    }

    @Test
    void truncatedPngIsOneClearError() throws IOException {
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64 * 64; i++) {
            img.setRGB(i % 64, i / 64, i * 2654435761L > 0 ? (int) (i * 2654435761L) : i); // noisy, compresses poorly
        }
        byte[] bytes = Files.readAllBytes(png(img, "whole.png"));
        Path cut = tmp.resolve("cut.png");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> loader.load(cut))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("corrupt or truncated");
    }

    @Test
    void truncatedJpegIsOneClearErrorLikePillow() throws IOException {
        byte[] bytes = Files.readAllBytes(resource("baseline.jpg"));
        // Cut 10 bytes: the decoder only warns and pads with grey; cut 200: it finds no scan.
        // Pillow refuses both ("image file is truncated"), so do we.
        for (int cutBytes : new int[] {10, 200}) {
            Path cut = tmp.resolve("cut" + cutBytes + ".jpg");
            Files.write(cut, Arrays.copyOf(bytes, bytes.length - cutBytes));
            assertThatThrownBy(() -> loader.load(cut))
                    .isInstanceOf(UserInputException.class)
                    .hasMessageContaining(cut.toString())
                    .hasMessageContaining("corrupt or truncated");
        }
    }

    @Test
    void textFileNamedPngIsNotAnImage() throws IOException {
        Path fake = tmp.resolve("x.png");
        Files.writeString(fake, "hello, I am not a picture\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> loader.load(fake))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining(fake.toString())
                .hasMessageContaining("not an image");
    }

    @Test
    void emptyFileIsOneClearError() throws IOException {
        Path empty = Files.createFile(tmp.resolve("empty.jpg"));
        assertThatThrownBy(() -> loader.load(empty))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining(empty.toString())
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> loader.load(new byte[0], "upload.png"))
                .isInstanceOf(UserInputException.class).hasMessageContaining("upload.png");
    }

    @Test
    void missingFileIsOneClearError() {
        Path missing = tmp.resolve("nope.png");
        assertThatThrownBy(() -> loader.load(missing))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("not found");
    }

    @Test
    void pictureOverThePixelLimitIsRefusedBeforeDecoding() throws IOException {
        Path big = png(new BufferedImage(20, 20, BufferedImage.TYPE_INT_RGB), "big.png");
        assertThatThrownBy(() -> new ImageLoader(100).load(big))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining(big.toString())
                .hasMessageContaining("20x20")
                .hasMessageContaining("limit of 100 pixels")
                .hasMessageContaining("raise");
        assertThat(new ImageLoader(400).load(big).width()).isEqualTo(20); // exactly at the limit is fine
    }

    @Test
    void hugeClaimedSizeIsRefusedFromTheHeaderWithoutDecoding() throws IOException {
        // A 1x1 PNG whose header claims 60000x60000 (3.6 Gpixels, ~10 GiB decoded): a bomb.
        byte[] bytes = Files.readAllBytes(png(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "one.png"));
        ByteBuffer ihdr = ByteBuffer.wrap(bytes); // signature (8), length (4), "IHDR" (4), data (13), crc (4)
        ihdr.putInt(16, 60000).putInt(20, 60000);
        CRC32 crc = new CRC32();
        crc.update(bytes, 12, 4 + 13);
        ihdr.putInt(29, (int) crc.getValue());
        Path bomb = tmp.resolve("bomb.png");
        Files.write(bomb, bytes);
        assertThatThrownBy(() -> loader.load(bomb))
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining(bomb.toString())
                .hasMessageContaining("60000x60000")
                .hasMessageContaining("limit of " + ImageLoader.DEFAULT_MAX_PIXELS + " pixels");
    }

    @Test
    void exifOrientationIsNotAppliedLikePillow() {
        // Same blocks, EXIF orientation 6 ("rotate 90 to display"): Pillow leaves pixels as stored.
        RgbImage img = loader.load(resource("exif-rotate90.jpg"));
        assertBlocks(img, 2); // red still top-left, green top-right
    }

    @Test
    void fromBufferedImageConvertsAnyType() {
        BufferedImage bgr = new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR);
        bgr.setRGB(0, 0, 0x123456);
        assertThat(pixel(ImageLoader.fromBufferedImage(bgr), 0, 0)).containsExactly(0x12, 0x34, 0x56);
        BufferedImage packed = new BufferedImage(1, 1, BufferedImage.TYPE_INT_BGR);
        packed.setRGB(0, 0, 0xABCDEF);
        assertThat(pixel(ImageLoader.fromBufferedImage(packed), 0, 0)).containsExactly(0xAB, 0xCD, 0xEF);
    }

    @Test
    void rgbImageRejectsWrongBufferLength() {
        assertThatThrownBy(() -> new RgbImage(2, 2, new byte[11])).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * The 16x16 test pictures: red, green / blue, white blocks of 8x8, compared with what Pillow
     * 9.4 decodes from the same file (JPEG loss included: green comes back as (0, 255, 5)).
     */
    private static void assertBlocks(RgbImage img, int tolerance) {
        assertNear(pixel(img, 3, 3), new int[] {253, 1, 0}, tolerance);
        assertNear(pixel(img, 12, 3), new int[] {0, 255, 5}, tolerance);
        assertNear(pixel(img, 3, 12), new int[] {1, 0, 254}, tolerance);
        assertNear(pixel(img, 12, 12), new int[] {255, 255, 251}, tolerance);
    }

    private static void assertNear(int[] got, int[] want, int tolerance) {
        for (int c = 0; c < 3; c++) {
            assertThat(Math.abs(got[c] - want[c])).as("channel %d of %s vs %s", c, Arrays.toString(got),
                    Arrays.toString(want)).isLessThanOrEqualTo(tolerance);
        }
    }

    private static int[] pixel(RgbImage img, int x, int y) {
        return new int[] {img.get(x, y, 0), img.get(x, y, 1), img.get(x, y, 2)};
    }

    private Path png(BufferedImage img, String name) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, "png", out)).isTrue();
        Path file = tmp.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    private static Path resource(String name) {
        try {
            return Paths.get(ImageLoaderTest.class.getResource("/images/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }
}
