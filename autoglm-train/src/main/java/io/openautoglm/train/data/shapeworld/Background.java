package io.openautoglm.train.data.shapeworld;

/**
 * Dark, muted backgrounds: far in brightness from every {@link ShapeColor}, so the background is
 * a nuisance to learn to ignore, never a colour to confuse with an object's.
 */
public enum Background {
    DARK_GRAY("dark gray", 45, 45, 45),
    BLACK("black", 12, 12, 16),
    NAVY("navy", 14, 20, 58),
    BROWN("brown", 52, 36, 22),
    OLIVE("olive", 34, 42, 26);

    private final String label;
    private final int r;
    private final int g;
    private final int b;

    Background(String label, int r, int g, int b) {
        this.label = label;
        this.r = r;
        this.g = g;
        this.b = b;
    }

    public String label() {
        return label;
    }

    public int rgb() {
        return (r << 16) | (g << 8) | b;
    }

    /** Low-contrast patterns drawn over the background colour when textures are on. */
    public enum Texture {
        NONE, STRIPES, CHECKER, GRADIENT;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
