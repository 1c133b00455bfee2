package io.openautoglm.train.data.shapeworld;

/** Two sizes, the large one exactly twice the small one, as fractions of the image side. */
public enum ObjectSize {
    SMALL("small", 0.10),
    LARGE("large", 0.20);

    private final String word;
    private final double radiusFraction;

    ObjectSize(String word, double radiusFraction) {
        this.word = word;
        this.radiusFraction = radiusFraction;
    }

    public String word() {
        return word;
    }

    /** Radius of the circle that encloses the shape, in pixels, for an image of this side. */
    public double radius(int imageSize) {
        return radiusFraction * imageSize;
    }

    public static ObjectSize fromWord(String word) {
        for (ObjectSize s : values()) {
            if (s.word.equals(word)) {
                return s;
            }
        }
        throw new IllegalArgumentException("not a ShapeWorld size: " + word);
    }
}
