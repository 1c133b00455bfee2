package io.openautoglm.defects.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The good pictures of each category: four textured surfaces and two simple parts. Every picture
 * varies (colour, texture phase, and for parts position and rotation), so that "different from the
 * training pictures" is not a cue on its own; the lighting and sensor noise come later, in
 * {@link Canvas#finish}.
 */
final class Surfaces {
    static final List<String> CATEGORIES = List.of("fabric", "wood", "metal", "tile", "washer", "bracket");

    private Surfaces() {}

    static boolean isPart(String category) {
        return category.equals("washer") || category.equals("bracket");
    }

    static void paint(String category, Canvas canvas, SplittableRandom random) {
        switch (category) {
            case "fabric" -> fabric(canvas, random);
            case "wood" -> wood(canvas, random);
            case "metal" -> metal(canvas, random);
            case "tile" -> tile(canvas, random);
            case "washer" -> washer(canvas, random);
            case "bracket" -> bracket(canvas, random);
            default -> throw new IllegalArgumentException("unknown category " + category);
        }
    }

    /** A woven cloth: two crossing thread patterns with slowly wandering thread positions. */
    private static void fabric(Canvas c, SplittableRandom r) {
        float[] base = jitter(r, 70, 95, 150);
        double period = r.nextDouble(5.5, 6.5);
        double phase = r.nextDouble(0, 2 * Math.PI);
        ValueNoise wander = new ValueNoise(r, 4);
        ValueNoise fibre = new ValueNoise(r, 32);
        fill(c, (x, y, u, v) -> {
            double w = wander.at(u, v) * 1.5;
            double warp = Math.sin((x + w) * 2 * Math.PI / period + phase);
            double weft = Math.sin((y - w) * 2 * Math.PI / period + phase);
            boolean over = ((int) Math.floor((x + w) / period) + (int) Math.floor((y - w) / period)) % 2 == 0;
            double t = (over ? warp : weft) * 0.16 + fibre.at(u, v) * 0.05;
            return 1 + t;
        }, base);
    }

    /** Wood: grain lines bent by smooth noise, with darker late-wood bands. */
    private static void wood(Canvas c, SplittableRandom r) {
        float[] base = jitter(r, 160, 115, 70);
        double freq = r.nextDouble(0.16, 0.22);
        double angle = r.nextDouble(-0.15, 0.15);
        ValueNoise bend = new ValueNoise(r, 3);
        ValueNoise fine = new ValueNoise(r, 40);
        fill(c, (x, y, u, v) -> {
            double across = x * Math.cos(angle) + y * Math.sin(angle) + bend.at(u, v) * 12;
            double ring = Math.sin(across * freq);
            double band = Math.pow((ring + 1) / 2, 3);
            return 1 - band * 0.22 + fine.at(u, v) * 0.04;
        }, base);
    }

    /** Brushed metal: grey, streaks along one direction, faint sheen. */
    private static void metal(Canvas c, SplittableRandom r) {
        float g = (float) r.nextDouble(135, 165);
        float[] base = {g, g * 1.01f, g * 1.04f};
        double[] rows = new double[c.size];
        for (int y = 0; y < c.size; y++) {
            rows[y] = r.nextGaussian();
        }
        double[] smooth = new double[c.size];
        for (int y = 0; y < c.size; y++) {
            smooth[y] = (rows[y] + rows[Math.max(0, y - 1)] + rows[Math.min(c.size - 1, y + 1)]) / 3;
        }
        ValueNoise along = new ValueNoise(r, 6);
        ValueNoise sheen = new ValueNoise(r, 2);
        fill(c, (x, y, u, v) -> 1 + smooth[y] * 0.05 + along.at(u, v * 0.1) * 0.03 + sheen.at(u, v) * 0.06, base);
    }

    /** Ceramic tiles in a grid with grout lines; each tile slightly its own shade. */
    private static void tile(Canvas c, SplittableRandom r) {
        float[] base = jitter(r, 200, 195, 180);
        int cell = r.nextInt(28, 36);
        int ox = r.nextInt(cell);
        int oy = r.nextInt(cell);
        double[] shade = new double[64];
        for (int i = 0; i < shade.length; i++) {
            shade[i] = r.nextDouble(-0.05, 0.05);
        }
        ValueNoise glaze = new ValueNoise(r, 16);
        fill(c, (x, y, u, v) -> {
            int tx = Math.floorMod(x + ox, cell);
            int ty = Math.floorMod(y + oy, cell);
            if (tx < 2 || ty < 2) {
                return 0.55 + glaze.at(u, v) * 0.03; // grout
            }
            int id = Math.floorMod((x + ox) / cell * 7 + (y + oy) / cell * 13, shade.length);
            return 1 + shade[id] + glaze.at(u, v) * 0.03;
        }, base);
    }

    /** A washer with an orientation tab on a dark conveyor belt; shifted and rotated per picture. */
    private static void washer(Canvas c, SplittableRandom r) {
        belt(c, r);
        double s = c.size;
        double cx = s / 2 + r.nextDouble(-0.05, 0.05) * s;
        double cy = s / 2 + r.nextDouble(-0.05, 0.05) * s;
        double outer = s * r.nextDouble(0.34, 0.37);
        double inner = outer * r.nextDouble(0.42, 0.48);
        double tabAngle = r.nextDouble(0, 2 * Math.PI);
        float[] metal = jitter(r, 175, 175, 180);
        ValueNoise grain = new ValueNoise(r, 24);
        paintPart(c, metal, (x, y) -> {
            double dx = x - cx;
            double dy = y - cy;
            double d = Math.hypot(dx, dy);
            double along = dx * Math.cos(tabAngle) + dy * Math.sin(tabAngle);
            double side = -dx * Math.sin(tabAngle) + dy * Math.cos(tabAngle);
            boolean tab = along > 0 && along < outer * 1.18 && Math.abs(side) < outer * 0.16;
            boolean ring = (d <= outer && d >= inner) || (tab && d >= inner);
            if (!ring) {
                return -1;
            }
            double bevel = Math.min(1, Math.min(Math.abs(d - inner), Math.abs(outer - d)) / (s * 0.03));
            return 0.78 + 0.22 * bevel + grain.at(x / s, y / s) * 0.04 + (dx - dy) / s * 0.15;
        });
    }

    /** A flat bracket plate with two bolt holes on the belt; shifted and rotated by up to 20 degrees. */
    private static void bracket(Canvas c, SplittableRandom r) {
        belt(c, r);
        double s = c.size;
        double cx = s / 2 + r.nextDouble(-0.05, 0.05) * s;
        double cy = s / 2 + r.nextDouble(-0.05, 0.05) * s;
        double angle = Math.toRadians(r.nextDouble(-20, 20));
        double halfW = s * r.nextDouble(0.33, 0.36);
        double halfH = s * r.nextDouble(0.17, 0.2);
        double hole = s * 0.055;
        float[] metal = jitter(r, 110, 150, 185);
        ValueNoise grain = new ValueNoise(r, 20);
        paintPart(c, metal, (x, y) -> {
            double dx = x - cx;
            double dy = y - cy;
            double a = dx * Math.cos(angle) + dy * Math.sin(angle);
            double b = -dx * Math.sin(angle) + dy * Math.cos(angle);
            double corner = s * 0.04;
            double qa = Math.abs(a) - (halfW - corner);
            double qb = Math.abs(b) - (halfH - corner);
            double outside = Math.hypot(Math.max(qa, 0), Math.max(qb, 0)) + Math.min(Math.max(qa, qb), 0) - corner;
            if (outside > 0) {
                return -1;
            }
            for (double hx : new double[] {-halfW * 0.6, halfW * 0.6}) {
                if (Math.hypot(a - hx, b) < hole) {
                    return -1;
                }
            }
            double edge = Math.min(1, -outside / (s * 0.025));
            return 0.8 + 0.2 * edge + grain.at(x / s, y / s) * 0.04;
        });
    }

    /** A dark rubber belt with faint ribs: the background of parts, and what a missing piece shows. */
    private static void belt(Canvas c, SplittableRandom r) {
        float[] base = jitter(r, 45, 48, 52);
        ValueNoise rubber = new ValueNoise(r, 20);
        double ribs = r.nextDouble(9, 12);
        fill(c, (x, y, u, v) -> 1 + rubber.at(u, v) * 0.12 + Math.sin(y * 2 * Math.PI / ribs) * 0.05, base);
        for (int ch = 0; ch < 3; ch++) {
            System.arraycopy(c.rgb[ch], 0, c.background[ch], 0, c.rgb[ch].length);
        }
        java.util.Arrays.fill(c.part, false);
    }

    interface Shade {
        double at(int x, int y, double u, double v);
    }

    interface PartShade {
        /** The brightness factor of the part at (x, y), or a negative number where the part is not. */
        double at(int x, int y);
    }

    private static void fill(Canvas c, Shade shade, float[] base) {
        for (int y = 0; y < c.size; y++) {
            for (int x = 0; x < c.size; x++) {
                double f = shade.at(x, y, x / (double) c.size, y / (double) c.size);
                int i = y * c.size + x;
                for (int ch = 0; ch < 3; ch++) {
                    c.rgb[ch][i] = (float) (base[ch] * f);
                }
                c.part[i] = true;
            }
        }
        // a missing piece of a surface is a hole: dark, with little texture
        for (int i = 0; i < c.size * c.size; i++) {
            for (int ch = 0; ch < 3; ch++) {
                c.background[ch][i] = base[ch] * 0.18f;
            }
        }
    }

    /** Paints the part over the background; edge pixels (a neighbour outside) are half-blended. */
    private static void paintPart(Canvas c, float[] base, PartShade shade) {
        for (int y = 0; y < c.size; y++) {
            for (int x = 0; x < c.size; x++) {
                double f = shade.at(x, y);
                if (f < 0) {
                    continue;
                }
                boolean edge = shade.at(x - 1, y) < 0 || shade.at(x + 1, y) < 0 || shade.at(x, y - 1) < 0 || shade.at(x, y + 1) < 0;
                float a = edge ? 0.6f : 1f;
                int i = y * c.size + x;
                for (int ch = 0; ch < 3; ch++) {
                    c.rgb[ch][i] = (float) (c.rgb[ch][i] * (1 - a) + base[ch] * f * a);
                }
                c.part[i] = true;
            }
        }
    }

    /** A colour near (r, g, b): each picture of a category has its own shade. */
    private static float[] jitter(SplittableRandom random, double r, double g, double b) {
        double k = random.nextDouble(0.92, 1.08);
        return new float[] {
            (float) (r * k * random.nextDouble(0.97, 1.03)),
            (float) (g * k * random.nextDouble(0.97, 1.03)),
            (float) (b * k * random.nextDouble(0.97, 1.03))
        };
    }
}
