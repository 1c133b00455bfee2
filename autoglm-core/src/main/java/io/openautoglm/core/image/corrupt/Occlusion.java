package io.openautoglm.core.image.corrupt;

import java.util.SplittableRandom;

/**
 * Not one of ImageNet-C's fifteen: grey squares painted at random places until they cover a given
 * share of the picture (something in front of the object, as Cutout and random erasing simulate).
 * The squares come from the random stream one after another, so a larger share paints the same
 * squares and then more: the covered area of severity s+1 contains that of severity s.
 */
final class Occlusion {
    static final float FILL = 0.5f;
    /** Square sides, as a share of the picture's short side. */
    static final double MIN_SIDE = 0.10;
    static final double MAX_SIDE = 0.25;
    private static final int MAX_SQUARES = 10_000;

    private Occlusion() {}

    static FloatPicture patches(FloatPicture p, double share, SplittableRandom random) {
        int w = p.width;
        int h = p.height;
        int shortSide = Math.min(w, h);
        boolean[] covered = new boolean[w * h]; // (H, W)
        long target = (long) Math.ceil(share * w * h);
        long count = 0;
        for (int n = 0; n < MAX_SQUARES && count < target; n++) {
            int side = Math.max(1, (int) Math.round(shortSide * random.nextDouble(MIN_SIDE, MAX_SIDE)));
            int x0 = random.nextInt(Math.max(1, w - side + 1));
            int y0 = random.nextInt(Math.max(1, h - side + 1));
            for (int y = y0; y < Math.min(h, y0 + side); y++) {
                for (int x = x0; x < Math.min(w, x0 + side); x++) {
                    if (!covered[y * w + x]) {
                        covered[y * w + x] = true;
                        count++;
                    }
                }
            }
        }
        float[] out = p.rgb.clone(); // (H, W, 3)
        for (int i = 0; i < covered.length; i++) {
            if (covered[i]) {
                out[i * 3] = FILL;
                out[i * 3 + 1] = FILL;
                out[i * 3 + 2] = FILL;
            }
        }
        return p.with(out);
    }
}
