package io.openautoglm.train.data;

import io.openautoglm.core.image.RgbImage;
import java.util.SplittableRandom;

/**
 * torchvision's RandomResizedCrop region choice: a random area fraction in [scaleMin, 1] and aspect
 * ratio in [3/4, 4/3] (log-uniform), ten tries, then the whole image. The resize happens later in
 * the image processor. No flip: captions say left and right.
 */
public final class RandomResizedCrop {
    private final double scaleMin;

    public RandomResizedCrop(double scaleMin) {
        this.scaleMin = scaleMin;
    }

    /** The part of a picture a crop keeps, in pixels. */
    public record Region(int x, int y, int width, int height) {}

    public RgbImage apply(RgbImage image, SplittableRandom random) {
        Region r = region(image.width(), image.height(), random);
        return r == null ? image : crop(image, r.x(), r.y(), r.width(), r.height());
    }

    /** The region {@link #apply} would keep of a w x h picture, or null for the whole picture. */
    public Region region(int w, int h, SplittableRandom random) {
        double area = (double) w * h;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (scaleMin + random.nextDouble() * (1 - scaleMin));
            double logRatio = Math.log(3.0 / 4) + random.nextDouble() * (Math.log(4.0 / 3) - Math.log(3.0 / 4));
            double ratio = Math.exp(logRatio);
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int x = random.nextInt(w - cw + 1);
                int y = random.nextInt(h - ch + 1);
                return new Region(x, y, cw, ch);
            }
        }
        return null;
    }

    static RgbImage crop(RgbImage image, int x, int y, int cw, int ch) {
        byte[] rgb = new byte[cw * ch * 3];
        for (int row = 0; row < ch; row++) {
            System.arraycopy(image.rgb(), ((y + row) * image.width() + x) * 3, rgb, row * cw * 3, cw * 3);
        }
        byte[] alpha = null;
        if (image.alpha() != null) {
            alpha = new byte[cw * ch];
            for (int row = 0; row < ch; row++) {
                System.arraycopy(image.alpha(), (y + row) * image.width() + x, alpha, row * cw, cw);
            }
        }
        return new RgbImage(cw, ch, rgb, alpha);
    }
}
