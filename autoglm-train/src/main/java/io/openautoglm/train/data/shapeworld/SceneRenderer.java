package io.openautoglm.train.data.shapeworld;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.random.RandomGenerator;

/**
 * Draws a scene with Java2D (antialiasing on): background colour, optional low-contrast texture,
 * the shapes, then Gaussian pixel noise drawn from the given generator.
 */
public final class SceneRenderer {
    /** Texture amplitude in 0..255 units: visible, but far below any object-background contrast. */
    private static final int TEXTURE_AMPLITUDE = 7;

    private final double noise;

    public SceneRenderer(double noise) {
        this.noise = noise;
    }

    public BufferedImage render(Scene scene, RandomGenerator random) {
        int side = scene.size();
        BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        paintBackground(image, scene);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setStroke(new BasicStroke(0));
            for (SceneObject o : scene.objects()) {
                g.setColor(new Color(o.color().rgb()));
                g.fill(outline(o));
            }
        } finally {
            g.dispose();
        }
        addNoise(image, random);
        return image;
    }

    /** The shape's outline in image coordinates; it fits in the circle of radius {@code o.radius()}. */
    static java.awt.Shape outline(SceneObject o) {
        double r = o.radius();
        java.awt.Shape unit = switch (o.shape()) {
            case CIRCLE -> new Ellipse2D.Double(-0.9 * r, -0.9 * r, 1.8 * r, 1.8 * r);
            case SQUARE -> new Rectangle2D.Double(-0.7 * r, -0.7 * r, 1.4 * r, 1.4 * r);
            case TRIANGLE -> polygon(r, 3, 1.0, 1.0);
            // Taller than wide, so it differs from a rotated square at any allowed angle.
            case DIAMOND -> diamond(r);
            case STAR -> polygon(r, 5, 1.0, 0.45);
            case CROSS -> cross(r);
        };
        AffineTransform at = new AffineTransform();
        at.translate(o.x(), o.y());
        // Screen y points down, so a negative angle turns the shape counter-clockwise as seen.
        at.rotate(Math.toRadians(-o.rotation()));
        return at.createTransformedShape(unit);
    }

    /** A regular polygon (inner == outer) or star (points alternate outer/inner), one point up. */
    private static Path2D polygon(double r, int points, double outer, double inner) {
        Path2D p = new Path2D.Double();
        int vertices = inner == outer ? points : 2 * points;
        for (int k = 0; k < vertices; k++) {
            double radius = r * (k % 2 == 0 || inner == outer ? outer : inner);
            double angle = -Math.PI / 2 + 2 * Math.PI * k / vertices;
            double px = radius * Math.cos(angle);
            double py = radius * Math.sin(angle);
            if (k == 0) {
                p.moveTo(px, py);
            } else {
                p.lineTo(px, py);
            }
        }
        p.closePath();
        return p;
    }

    private static Path2D diamond(double r) {
        Path2D p = new Path2D.Double();
        p.moveTo(0, -r);
        p.lineTo(0.62 * r, 0);
        p.lineTo(0, r);
        p.lineTo(-0.62 * r, 0);
        p.closePath();
        return p;
    }

    private static java.awt.Shape cross(double r) {
        double arm = 0.9 * r;
        double half = 0.3 * r;
        Area a = new Area(new Rectangle2D.Double(-arm, -half, 2 * arm, 2 * half));
        a.add(new Area(new Rectangle2D.Double(-half, -arm, 2 * half, 2 * arm)));
        return a;
    }

    private static void paintBackground(BufferedImage image, Scene scene) {
        int side = scene.size();
        int base = scene.background().rgb();
        int cell = Math.max(4, side / 8);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int delta = switch (scene.texture()) {
                    case NONE -> 0;
                    case STRIPES -> ((x + y) / cell) % 2 == 0 ? TEXTURE_AMPLITUDE : -TEXTURE_AMPLITUDE;
                    case CHECKER -> ((x / cell + y / cell) % 2 == 0) ? TEXTURE_AMPLITUDE : -TEXTURE_AMPLITUDE;
                    case GRADIENT -> (int) Math.round(TEXTURE_AMPLITUDE * (2.0 * y / (side - 1) - 1));
                };
                image.setRGB(x, y, shift(base, delta));
            }
        }
    }

    private void addNoise(BufferedImage image, RandomGenerator random) {
        if (noise <= 0) {
            return;
        }
        int side = image.getWidth();
        int[] px = image.getRGB(0, 0, side, side, null, 0, side);
        for (int i = 0; i < px.length; i++) {
            int p = px[i];
            int r = clamp(((p >> 16) & 0xff) + (int) Math.round(random.nextGaussian() * noise));
            int g = clamp(((p >> 8) & 0xff) + (int) Math.round(random.nextGaussian() * noise));
            int b = clamp((p & 0xff) + (int) Math.round(random.nextGaussian() * noise));
            px[i] = (r << 16) | (g << 8) | b;
        }
        image.setRGB(0, 0, side, side, px, 0, side);
    }

    private static int shift(int rgb, int delta) {
        return (clamp(((rgb >> 16) & 0xff) + delta) << 16) | (clamp(((rgb >> 8) & 0xff) + delta) << 8)
                | clamp((rgb & 0xff) + delta);
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }
}
