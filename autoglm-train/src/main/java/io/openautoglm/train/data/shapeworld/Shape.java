package io.openautoglm.train.data.shapeworld;

/**
 * The shapes of ShapeWorld. Chosen so that each stays recognisable at about 12 px across (a small
 * object in a 64 px image): no hexagon or pentagon, which blur into a circle at that size, and
 * rotation is limited (see {@link SceneSampler}) so that a square never turns into a diamond.
 */
public enum Shape {
    CIRCLE("circle", "circles"),
    SQUARE("square", "squares"),
    TRIANGLE("triangle", "triangles"),
    DIAMOND("diamond", "diamonds"),
    STAR("star", "stars"),
    CROSS("cross", "crosses");

    private final String word;
    private final String plural;

    Shape(String word, String plural) {
        this.word = word;
        this.plural = plural;
    }

    /** The caption word, e.g. "circle". */
    public String word() {
        return word;
    }

    /** The plural used in counts, e.g. "crosses". */
    public String plural() {
        return plural;
    }

    public static Shape fromWord(String word) {
        for (Shape s : values()) {
            if (s.word.equals(word)) {
                return s;
            }
        }
        throw new IllegalArgumentException("not a ShapeWorld shape: " + word);
    }
}
