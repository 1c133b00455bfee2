package io.openautoglm.core.image.corrupt;

import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/** ImageNet-C's JPEG compression and pixelation: losses of a picture's transport, not of its optics. */
final class CodecCorruptions {
    private static final ImageLoader DECODER = new ImageLoader();

    private CodecCorruptions() {}

    /**
     * Encodes as baseline JPEG at {@code quality} (1-100, the IJG scale Pillow uses too; the JDK
     * writer maps its 0-1 quality onto the same tables) and decodes it again.
     */
    static RgbImage jpeg(RgbImage image, int quality) {
        int w = image.width();
        int h = image.height();
        BufferedImage buffered = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) buffered.getRaster().getDataBuffer()).getData(); // (H, W, 3) as B,G,R
        byte[] rgb = image.rgb();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no JPEG writer in this JVM (javax.imageio)");
        }
        ImageWriter writer = writers.next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality / 100f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(buffered, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG encoding in memory failed", e);
        } finally {
            writer.dispose();
        }
        RgbImage decoded = DECODER.load(bytes.toByteArray(), "jpeg-corrupted picture");
        return new RgbImage(w, h, decoded.rgb(), image.alpha());
    }

    /**
     * Shrinks to {@code factor} of each side with a box filter (each small pixel the area mean of
     * the pixels it covers) and enlarges back with the same box (each pixel takes the small pixel
     * its centre falls in): Pillow's {@code resize(..., Image.BOX)} both ways, as ImageNet-C does.
     */
    static FloatPicture pixelate(FloatPicture p, double factor) {
        int sw = Math.max(1, (int) (p.width * factor));
        int sh = Math.max(1, (int) (p.height * factor));
        float[] small = shrink(p, sw, sh); // (sh, sw, 3)
        float[] out = new float[p.rgb.length]; // (H, W, 3)
        for (int y = 0; y < p.height; y++) {
            int sy = Math.min(sh - 1, (int) ((y + 0.5) * sh / p.height));
            for (int x = 0; x < p.width; x++) {
                int sx = Math.min(sw - 1, (int) ((x + 0.5) * sw / p.width));
                System.arraycopy(small, (sy * sw + sx) * 3, out, (y * p.width + x) * 3, 3);
            }
        }
        return p.with(out);
    }

    /** Area averaging with fractional coverage at the box edges. */
    private static float[] shrink(FloatPicture p, int sw, int sh) {
        double bx = (double) p.width / sw;
        double by = (double) p.height / sh;
        float[] small = new float[sw * sh * 3]; // (sh, sw, 3)
        for (int sy = 0; sy < sh; sy++) {
            double y0 = sy * by;
            double y1 = y0 + by;
            for (int sx = 0; sx < sw; sx++) {
                double x0 = sx * bx;
                double x1 = x0 + bx;
                double[] acc = new double[3];
                double area = 0;
                for (int y = (int) y0; y < Math.min(p.height, Math.ceil(y1)); y++) {
                    double wy = Math.min(y + 1, y1) - Math.max(y, y0);
                    for (int x = (int) x0; x < Math.min(p.width, Math.ceil(x1)); x++) {
                        double wgt = wy * (Math.min(x + 1, x1) - Math.max(x, x0));
                        int i = (y * p.width + x) * 3;
                        acc[0] += wgt * p.rgb[i];
                        acc[1] += wgt * p.rgb[i + 1];
                        acc[2] += wgt * p.rgb[i + 2];
                        area += wgt;
                    }
                }
                for (int c = 0; c < 3; c++) {
                    small[(sy * sw + sx) * 3 + c] = (float) (acc[c] / area);
                }
            }
        }
        return small;
    }
}
