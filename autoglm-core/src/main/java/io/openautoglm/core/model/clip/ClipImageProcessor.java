package io.openautoglm.core.model.clip;

import io.openautoglm.core.image.PilResampler;
import io.openautoglm.core.image.RgbImage;

/**
 * Turns a picture into CLIP's input tensor, reproducing openai/CLIP {@code _transform(n_px)}:
 * {@code Resize(n_px, BICUBIC)} (torchvision on a PIL image), {@code CenterCrop(n_px)},
 * {@code convert("RGB")}, {@code ToTensor()}, {@code Normalize(mean, std)}.
 *
 * <p>The resize uses {@link PilResampler}, a bit-exact port of Pillow's, so the uint8 pixels are
 * the reference's; only the final float normalization remains, done in float32 like torch.
 * Kept apart from the network (DESIGN habit 5) so servers and data loaders can run it on their
 * own threads.
 */
public final class ClipImageProcessor {

    private final PreprocessorConfig config;
    private final PilResampler.Filter filter;
    private final float[] mean;
    private final float[] std;

    public ClipImageProcessor(PreprocessorConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
        this.filter = PilResampler.Filter.fromName(config.interpolation());
        this.mean = config.mean();
        this.std = config.std();
    }

    public PreprocessorConfig config() {
        return config;
    }

    /** Returns (3, S, S) channel-major floats, normalized; S = {@code config().imageSize()}. */
    public float[] preprocess(RgbImage image) {
        int s = config.imageSize();
        RgbImage resized;
        if (config.resizeMode().equals("squash")) {
            resized = PilResampler.resize(image, s, s, filter); // (S, S, 3)
        } else {
            // Only the centre crop of the resize is computed: the full resize of a 1 x 16,777,216
            // picture would be 224 x 3.7 billion pixels; its crop is S x S like any other's.
            long[] wh = shortestSideSize(image.width(), image.height(), s);
            long left = (long) Math.rint((wh[0] - s) / 2.0);
            long top = (long) Math.rint((wh[1] - s) / 2.0);
            resized = PilResampler.resizeCropped(image, wh[0], wh[1], left, top, s, s, filter); // (S, S, 3)
        }
        // Alpha is dropped here (convert("RGB") after the crop); the resize above already used it.
        return centerCropToTensor(resized, s); // (3, S, S)
    }

    /**
     * Where the pixels of a w x h picture land in the S x S input {@link #preprocess} makes: input
     * pixel = source pixel * scale - offset, per axis.
     */
    public record Placement(double scaleX, double scaleY, double offsetX, double offsetY) {}

    /** The placement of a w x h picture: the resize of {@link #preprocess}, then its centre crop. */
    public Placement placement(int w, int h) {
        int s = config.imageSize();
        if (config.resizeMode().equals("squash")) {
            return new Placement((double) s / w, (double) s / h, 0, 0);
        }
        long[] wh = shortestSideSize(w, h, s);
        // the centre crop's offsets, as centerCropToTensor takes them (no padding: the shorter side is S)
        return new Placement((double) wh[0] / w, (double) wh[1] / h, Math.rint((wh[0] - s) / 2.0), Math.rint((wh[1] - s) / 2.0));
    }

    /**
     * torchvision {@code Resize(int)}: the shorter side becomes {@code s}, the longer one
     * {@code int(s * long / short)} (truncated, computed in double like Python). A long: for an
     * elongated picture it passes {@code Integer.MAX_VALUE} (1 x 16,777,216 at S = 224).
     */
    static long[] shortestSideSize(int w, int h, int s) {
        int shortSide = Math.min(w, h);
        int longSide = Math.max(w, h);
        long newLong = (long) (s * (double) longSide / shortSide);
        return w <= h ? new long[] {s, newLong} : new long[] {newLong, s};
    }

    /**
     * torchvision {@code CenterCrop} then {@code ToTensor} and {@code Normalize}. The offset is
     * {@code int(round((h - S) / 2.0))} with Python's round-half-to-even ({@link Math#rint});
     * a picture smaller than S is padded with zeros (black) first, split like torchvision's.
     */
    private float[] centerCropToTensor(RgbImage img, int s) {
        int w = img.width();
        int h = img.height();
        int padLeft = w < s ? (s - w) / 2 : 0;
        int padTop = h < s ? (s - h) / 2 : 0;
        int paddedW = Math.max(w, s);
        int paddedH = Math.max(h, s);
        int left = (int) Math.rint((paddedW - s) / 2.0) - padLeft;
        int top = (int) Math.rint((paddedH - s) / 2.0) - padTop;
        byte[] rgb = img.rgb();
        float[] out = new float[3 * s * s]; // (3, S, S)
        int plane = s * s;
        for (int y = 0; y < s; y++) {
            int sy = y + top;
            for (int x = 0; x < s; x++) {
                int sx = x + left;
                boolean inside = sy >= 0 && sy < h && sx >= 0 && sx < w;
                for (int c = 0; c < 3; c++) {
                    int v = inside ? rgb[(sy * w + sx) * 3 + c] & 0xFF : 0;
                    // float32 like torch: ToTensor divides by 255, Normalize does (x - mean) / std
                    float t = v / 255f;
                    out[c * plane + y * s + x] = (t - mean[c]) / std[c];
                }
            }
        }
        return out;
    }
}
