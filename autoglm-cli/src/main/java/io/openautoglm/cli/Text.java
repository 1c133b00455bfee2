package io.openautoglm.cli;

/** Small helpers for human-readable tables. */
final class Text {
    private Text() {}

    /** Shortens to at most {@code width} characters, marking the cut with an ellipsis. */
    static String clip(String s, int width) {
        return s.length() <= width ? s : "..." + s.substring(s.length() - (width - 3));
    }
}
