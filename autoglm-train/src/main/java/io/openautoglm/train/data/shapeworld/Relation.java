package io.openautoglm.train.data.shapeworld;

/**
 * Spatial relations between object centres. "A left of B" holds when A's centre is left of B's by
 * more than a margin; the margin keeps near-ties out of captions and questions, so every relation
 * we state is plainly true or plainly false in the picture.
 */
public enum Relation {
    LEFT_OF("left of"),
    RIGHT_OF("right of"),
    ABOVE("above"),
    BELOW("below");

    /** The margin as a fraction of the image side. */
    public static final double MARGIN_FRACTION = 0.05;

    private final String words;

    Relation(String words) {
        this.words = words;
    }

    public String words() {
        return words;
    }

    /** The one-word answer to "where is a relative to b?": left, right, above or below. */
    public String direction() {
        return switch (this) {
            case LEFT_OF -> "left";
            case RIGHT_OF -> "right";
            case ABOVE -> "above";
            case BELOW -> "below";
        };
    }

    public Relation opposite() {
        return switch (this) {
            case LEFT_OF -> RIGHT_OF;
            case RIGHT_OF -> LEFT_OF;
            case ABOVE -> BELOW;
            case BELOW -> ABOVE;
        };
    }

    /** Whether "a [this] b" is true in an image of the given side. */
    public boolean holds(SceneObject a, SceneObject b, int imageSize) {
        double m = MARGIN_FRACTION * imageSize;
        return switch (this) {
            case LEFT_OF -> a.x() + m < b.x();
            case RIGHT_OF -> a.x() > b.x() + m;
            case ABOVE -> a.y() + m < b.y();
            case BELOW -> a.y() > b.y() + m;
        };
    }

    /**
     * The relation of a to b along the axis where they are farthest apart. Non-overlapping objects
     * are at least 0.2 of the side apart, so the dominant offset always clears the margin.
     */
    public static Relation dominant(SceneObject a, SceneObject b) {
        double dx = b.x() - a.x();
        double dy = b.y() - a.y();
        if (Math.abs(dx) >= Math.abs(dy)) {
            return dx > 0 ? LEFT_OF : RIGHT_OF;
        }
        return dy > 0 ? ABOVE : BELOW;
    }

    public static Relation fromWords(String words) {
        for (Relation r : values()) {
            if (r.words.equals(words)) {
                return r;
            }
        }
        throw new IllegalArgumentException("not a ShapeWorld relation: " + words);
    }
}
