package io.openautoglm.train.data.shapeworld;

/**
 * The object colours: eight saturated, well separated hues (each pair differs by at least about
 * 140 in one RGB channel), all much brighter than every {@link Background}, so that mild noise and
 * antialiasing never make one look like another.
 */
public enum ShapeColor {
    RED("red", 230, 35, 35),
    GREEN("green", 40, 200, 60),
    BLUE("blue", 40, 100, 255),
    YELLOW("yellow", 245, 230, 40),
    PURPLE("purple", 175, 70, 240),
    ORANGE("orange", 255, 140, 10),
    CYAN("cyan", 30, 225, 230),
    WHITE("white", 245, 245, 245);

    private final String word;
    private final int r;
    private final int g;
    private final int b;

    ShapeColor(String word, int r, int g, int b) {
        this.word = word;
        this.r = r;
        this.g = g;
        this.b = b;
    }

    public String word() {
        return word;
    }

    /** 0xRRGGBB. */
    public int rgb() {
        return (r << 16) | (g << 8) | b;
    }

    public static ShapeColor fromWord(String word) {
        for (ShapeColor c : values()) {
            if (c.word.equals(word)) {
                return c;
            }
        }
        throw new IllegalArgumentException("not a ShapeWorld colour: " + word);
    }
}
