package io.openautoglm.train.config;

import io.openautoglm.core.model.clip.ClipConfig;
import java.util.Locale;

/**
 * Multiply-adds of one forward pass of a dual encoder's towers, counted from its config: one
 * picture through the image tower and one caption of the full context through the text tower,
 * projections included. Matrix products only (the stem's convolutions or patch map, attention's
 * four projections, QK^T and attention-times-V, the MLP); norms, activations and softmax are
 * left out, as is usual (they are a few percent at these widths). Fusion heads are not counted.
 */
public final class ModelFlops {
    private ModelFlops() {}

    /** Multiply-adds per image, per caption, and their sum (one image-text pair). */
    public record Count(long image, long text) {
        public long pair() {
            return image + text;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.1fM multiply-adds per pair (image %.1fM, text %.1fM)", pair() / 1e6, image / 1e6,
                    text / 1e6);
        }
    }

    public static Count of(ClipConfig config) {
        return new Count(image(config.vision(), config.projectionDim()), text(config.text(), config.projectionDim()));
    }

    static long image(ClipConfig.VisionConfig v, int projection) {
        int grid = v.imageSize() / v.patchSize();
        long tokens = (long) grid * grid + 1; // patches and the class token
        long stem;
        if (ClipConfig.VisionConfig.CONV_STEM.equals(v.patchStem())) {
            // As ConvStem builds it: log2(P) 3x3 stride-2 convolutions, then a linear map to the width.
            int stages = Integer.numberOfTrailingZeros(v.patchSize());
            int in = v.numChannels();
            int side = v.imageSize();
            stem = 0;
            for (int i = 0; i < stages; i++) {
                int out = Math.max(8, v.width() >> (stages - i));
                side /= 2;
                stem += (long) side * side * out * in * 9;
                in = out;
            }
            stem += (long) grid * grid * in * v.width();
        } else {
            stem = (long) grid * grid * v.numChannels() * v.patchSize() * v.patchSize() * v.width();
        }
        return stem + encoder(tokens, v.width(), v.mlpSize(), v.layers()) + (long) v.width() * projection;
    }

    static long text(ClipConfig.TextConfig t, int projection) {
        return encoder(t.contextLength(), t.width(), t.mlpSize(), t.layers()) + (long) t.width() * projection;
    }

    /** Transformer layers over {@code tokens} tokens: 4 D x D projections, 2 T x T x D attention products, the 2-layer MLP. */
    private static long encoder(long tokens, long width, long mlp, int layers) {
        long perLayer = tokens * 4 * width * width + 2 * tokens * tokens * width + tokens * 2 * width * mlp;
        return layers * perLayer;
    }
}
