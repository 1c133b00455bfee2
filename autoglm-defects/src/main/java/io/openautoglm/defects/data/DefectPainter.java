package io.openautoglm.defects.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Paints one defect onto a good picture and records its mask in {@link Canvas#defect}. Colours are
 * taken from the picture under the defect (darker, lighter, a shifted tint), never a fixed colour, so
 * that a defect is a change of local structure, not a colour no good picture has.
 */
final class DefectPainter {
    static final List<String> TYPES = List.of("scratch", "spot", "crack", "missing_piece", "contamination");

    private DefectPainter() {}

    static void paint(String type, Canvas c, SplittableRandom r, boolean part) {
        for (int attempt = 0; attempt < 20; attempt++) {
            switch (type) {
                case "scratch" -> scratch(c, r);
                case "spot" -> spot(c, r);
                case "crack" -> crack(c, r);
                case "missing_piece" -> missingPiece(c, r, part);
                case "contamination" -> contamination(c, r);
                default -> throw new IllegalArgumentException("unknown defect type " + type);
            }
            if (c.defectPixels() >= 12) {
                return;
            }
        }
    }

    /** A thin curved line, lighter (polished) or darker (gouged) than the surface. */
    private static void scratch(Canvas c, SplittableRandom r) {
        int[] p = pointOnPart(c, r, c.size / 6);
        double angle = r.nextDouble(0, Math.PI * 2);
        double length = c.size * r.nextDouble(0.2, 0.4);
        double bend = c.size * r.nextDouble(-0.08, 0.08);
        float factor = r.nextBoolean() ? (float) r.nextDouble(1.35, 1.6) : (float) r.nextDouble(0.45, 0.62);
        float alpha = (float) r.nextDouble(0.75, 0.95);
        double width = r.nextDouble(0.7, 1.4);
        double x0 = p[0] - Math.cos(angle) * length / 2;
        double y0 = p[1] - Math.sin(angle) * length / 2;
        double x2 = p[0] + Math.cos(angle) * length / 2;
        double y2 = p[1] + Math.sin(angle) * length / 2;
        double x1 = p[0] - Math.sin(angle) * bend;
        double y1 = p[1] + Math.cos(angle) * bend;
        int steps = (int) (length * 3);
        float[] stroke = new float[c.size * c.size]; // (S*S) coverage
        for (int s = 0; s <= steps; s++) {
            double t = s / (double) steps;
            double x = (1 - t) * (1 - t) * x0 + 2 * (1 - t) * t * x1 + t * t * x2;
            double y = (1 - t) * (1 - t) * y0 + 2 * (1 - t) * t * y1 + t * t * y2;
            dab(c, stroke, x, y, width, alpha);
        }
        apply(c, stroke, factor);
    }

    /** A round stain or pit with a soft edge. */
    private static void spot(Canvas c, SplittableRandom r) {
        int[] p = pointOnPart(c, r, c.size / 8);
        double rx = c.size * r.nextDouble(0.025, 0.055);
        double ry = rx * r.nextDouble(0.7, 1.3);
        float factor = r.nextDouble() < 0.7 ? (float) r.nextDouble(0.45, 0.65) : (float) r.nextDouble(1.35, 1.55);
        for (int y = (int) (p[1] - ry - 2); y <= p[1] + ry + 2; y++) {
            for (int x = (int) (p[0] - rx - 2); x <= p[0] + rx + 2; x++) {
                double d = Math.hypot((x - p[0]) / rx, (y - p[1]) / ry);
                if (d < 1.3 && onPart(c, x, y)) {
                    c.shade(x, y, factor, (float) Math.min(1, (1.3 - d) / 0.5) * 0.9f);
                }
            }
        }
    }

    /** A jagged dark line that wanders and sometimes forks. */
    private static void crack(Canvas c, SplittableRandom r) {
        int[] p = pointOnPart(c, r, c.size / 6);
        double length = c.size * r.nextDouble(0.2, 0.4);
        float[] stroke = new float[c.size * c.size]; // (S*S) coverage
        walk(c, stroke, r, p[0], p[1], r.nextDouble(0, Math.PI * 2), length, 2);
        apply(c, stroke, 0.35f);
    }

    private static void walk(Canvas c, float[] stroke, SplittableRandom r, double x, double y, double heading, double length, int forks) {
        for (int s = 0; s < length; s++) {
            heading += r.nextDouble(-0.45, 0.45);
            x += Math.cos(heading);
            y += Math.sin(heading);
            dab(c, stroke, x, y, 0.8, 0.9f);
            if (forks > 0 && r.nextDouble() < 0.03) {
                walk(c, stroke, r, x, y, heading + (r.nextBoolean() ? 0.8 : -0.8), (length - s) * 0.5, forks - 1);
                forks--;
            }
        }
    }

    /**
     * A part with a piece broken off its edge (the belt shows), or a hole in a surface (dark, with
     * a darker rim where the material broke).
     */
    private static void missingPiece(Canvas c, SplittableRandom r, boolean part) {
        int[] p = part ? edgeOfPart(c, r) : pointOnPart(c, r, c.size / 6);
        double radius = c.size * (part ? r.nextDouble(0.08, 0.13) : r.nextDouble(0.04, 0.07));
        double[][] lobes = lobes(r, p, radius);
        for (int y = (int) (p[1] - radius * 2); y <= p[1] + radius * 2; y++) {
            for (int x = (int) (p[0] - radius * 2); x <= p[0] + radius * 2; x++) {
                double inside = inside(lobes, x, y);
                if (inside <= 0 || !onPart(c, x, y)) {
                    continue;
                }
                int i = y * c.size + x;
                float[] under = {c.background[0][i], c.background[1][i], c.background[2][i]};
                c.blend(x, y, under, (float) Math.min(1, inside * 3));
                c.part[i] = false;
            }
        }
    }

    /** Foreign matter: an irregular blob tinted away from the surface's colour, blotchy inside. */
    private static void contamination(Canvas c, SplittableRandom r) {
        int[] p = pointOnPart(c, r, c.size / 8);
        double radius = c.size * r.nextDouble(0.035, 0.065);
        double[][] lobes = lobes(r, p, radius);
        float[] tint = r.nextBoolean() ? new float[] {1.2f, 0.95f, 0.7f} : new float[] {0.8f, 1.1f, 0.85f};
        float darken = (float) r.nextDouble(0.6, 0.85);
        ValueNoise blotch = new ValueNoise(r, 8);
        float alpha = (float) r.nextDouble(0.6, 0.85);
        for (int y = (int) (p[1] - radius * 2); y <= p[1] + radius * 2; y++) {
            for (int x = (int) (p[0] - radius * 2); x <= p[0] + radius * 2; x++) {
                double inside = inside(lobes, x, y);
                if (inside <= 0 || !onPart(c, x, y)) {
                    continue;
                }
                int cx = c.clamp(x);
                int cy = c.clamp(y);
                float k = darken * (1 + 0.25f * blotch.at(cx / (double) c.size, cy / (double) c.size));
                float[] colour = {c.get(0, x, y) * tint[0] * k, c.get(1, x, y) * tint[1] * k, c.get(2, x, y) * tint[2] * k};
                c.blend(x, y, colour, (float) Math.min(1, inside * 3) * alpha);
            }
        }
    }

    /** Three to five overlapping discs around p: (cx, cy, r) each. */
    private static double[][] lobes(SplittableRandom r, int[] p, double radius) {
        int n = r.nextInt(3, 6);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            double a = r.nextDouble(0, Math.PI * 2);
            double d = radius * r.nextDouble(0, 0.7);
            out[i] = new double[] {p[0] + Math.cos(a) * d, p[1] + Math.sin(a) * d, radius * r.nextDouble(0.5, 1.0)};
        }
        return out;
    }

    /** How far inside the union of discs (x, y) is, 0..1 of the deepest disc's radius; 0 outside. */
    private static double inside(double[][] lobes, int x, int y) {
        double best = 0;
        for (double[] l : lobes) {
            best = Math.max(best, 1 - Math.hypot(x - l[0], y - l[1]) / l[2]);
        }
        return best;
    }

    /** Adds a soft round dab of width {@code width} at (x, y) to a stroke's coverage (the maximum where dabs overlap). */
    private static void dab(Canvas c, float[] stroke, double x, double y, double width, float alpha) {
        for (int yy = (int) Math.floor(y - width - 1); yy <= y + width + 1; yy++) {
            for (int xx = (int) Math.floor(x - width - 1); xx <= x + width + 1; xx++) {
                double d = Math.hypot(xx - x, yy - y);
                if (d <= width + 0.5 && onPart(c, xx, yy)) {
                    int i = yy * c.size + xx;
                    stroke[i] = Math.max(stroke[i], (float) Math.min(1, width + 0.5 - d) * alpha);
                }
            }
        }
    }

    /** Shades every pixel a stroke covers once, by its coverage: overlapping dabs do not darken twice. */
    private static void apply(Canvas c, float[] stroke, float factor) {
        for (int i = 0; i < stroke.length; i++) {
            if (stroke[i] > 0) {
                c.shade(i % c.size, i / c.size, factor, stroke[i]);
            }
        }
    }

    private static boolean onPart(Canvas c, int x, int y) {
        return x >= 0 && y >= 0 && x < c.size && y < c.size && c.part[y * c.size + x];
    }

    private static int[] pointOnPart(Canvas c, SplittableRandom r, int margin) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            int x = r.nextInt(margin, c.size - margin);
            int y = r.nextInt(margin, c.size - margin);
            if (c.part[y * c.size + x]) {
                return new int[] {x, y};
            }
        }
        return new int[] {c.size / 2, c.size / 2};
    }

    /** A part pixel with a background pixel within two pixels: where a piece can break off. */
    private static int[] edgeOfPart(Canvas c, SplittableRandom r) {
        for (int attempt = 0; attempt < 5000; attempt++) {
            int[] p = pointOnPart(c, r, 4);
            if (!onPart(c, p[0] + 2, p[1]) || !onPart(c, p[0] - 2, p[1]) || !onPart(c, p[0], p[1] + 2) || !onPart(c, p[0], p[1] - 2)) {
                return p;
            }
        }
        return pointOnPart(c, r, 4);
    }
}
