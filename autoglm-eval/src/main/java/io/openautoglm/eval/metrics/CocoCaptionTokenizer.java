package io.openautoglm.eval.metrics;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tokenizes a caption the way the COCO caption toolkit does before scoring: Stanford's PTB tokenizer
 * (CoreNLP 3.4.1, {@code -preserveLines -lowerCase}), then the toolkit drops a fixed list of
 * punctuation tokens. We do not run the Stanford jar; these rules reproduce what it does to caption
 * text, checked against the jar itself by {@code tools/metrics-reference} (docs/metrics.md lists the
 * cases where it can still differ).
 *
 * <p>Two properties of the original that look like bugs are kept on purpose, because they change
 * scores: brackets become {@code -lrb-}/{@code -rrb-}/{@code -lsb-}/{@code -rsb-}/{@code -lcb-}/{@code -rcb-}
 * tokens that are <em>not</em> dropped (the toolkit's drop list spells them in upper case, but the
 * tokenizer has already lowercased them), and runs such as {@code !!} or {@code ?!} stay as tokens
 * (only a lone {@code !} or {@code ?} is on the list).
 */
public final class CocoCaptionTokenizer {
    /** The toolkit's drop list, as it can actually match after lowercasing. */
    private static final Set<String> DROPPED = Set.of("''", "'", "``", "`", ".", "?", "!", ",", ":", "-", "--", "...", ";");

    /** Words PTB keeps together with their final period (checked without the period, any case). */
    private static final Set<String> ABBREVIATIONS = Set.of(
            "mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "inc", "corp", "ltd", "co", "no", "mt", "ft",
            "prof", "gen", "gov", "sen", "rep", "lt", "col", "sgt", "capt", "ave", "blvd", "rd", "bros",
            "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec");

    /** Characters that always stand alone as a token. */
    private static final String SYMBOLS = "+=*~^|\\_×°¥<>`%;";

    /** Contraction endings split off as their own token, longest first. */
    private static final String[] CLITICS = {"n't", "'re", "'ve", "'ll", "'s", "'d", "'m"};

    private static final Pattern TIME_OF_DAY = Pattern.compile("(\\d{1,2}:\\d{2})([aApP][mM])");
    /** An SGML-style tag such as {@code <br>}, which PTB keeps whole. */
    private static final Pattern TAG = Pattern.compile("</?\\p{L}[^<>]*>");

    private CocoCaptionTokenizer() {}

    /** The caption's tokens, lowercased, with the toolkit's punctuation removed. */
    public static List<String> tokenize(String caption) {
        String text = normalizeCharacters(caption);
        List<String> raw = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && isSpace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !isSpace(text.charAt(i))) {
                i++;
            }
            if (i > start) {
                splitChunk(text.substring(start, i), raw);
            }
        }
        List<String> tokens = new ArrayList<>(raw.size());
        for (String t : raw) {
            // PTB lowercases after escaping, so "-LRB-" arrives as "-lrb-" and survives the drop list.
            String lower = t.toLowerCase(Locale.ENGLISH);
            if (!DROPPED.contains(lower)) {
                tokens.add(lower);
            }
        }
        return tokens;
    }

    /** The tokens joined by single spaces: the string form the toolkit's scorers receive. */
    public static String tokenizeToString(String caption) {
        return String.join(" ", tokenize(caption));
    }

    /** PTB's character normalizations (quotes, dashes, ellipsis, currency, fractions), and the characters it deletes. */
    static String normalizeCharacters(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isSupplementaryCodePoint(cp)) {
                continue; // emoji and the like: PTB reports them untokenizable and deletes them
            }
            char c = (char) cp;
            switch (c) {
                case '\u2018', '\u2019', '\u201A', '\u201B' -> sb.append('\'');
                case '\u201C', '\u201D', '\u201E', '\u201F' -> sb.append('"');
                case '\u2013', '\u2014', '\u2015' -> sb.append(" -- ");
                case '\u2026' -> sb.append(" ... ");
                case '\u20AC' -> sb.append('$');
                case '\u00A3' -> sb.append('#');
                case '\u00BC' -> sb.append("1/4");
                case '\u00BD' -> sb.append("1/2");
                case '\u00BE' -> sb.append("3/4");
                case '\u2153' -> sb.append("1/3");
                case '\u2154' -> sb.append("2/3");
                default -> {
                    if (Character.isISOControl(c) && !isSpace(c)) {
                        continue;
                    }
                    sb.append(c);
                }
            }
        }
        return sb.toString();
    }

    /** Splits one whitespace-free chunk into PTB tokens (original case). */
    private static void splitChunk(String chunk, List<String> out) {
        if (TAG.matcher(chunk).matches()) {
            out.add(chunk);
            return;
        }
        StringBuilder word = new StringBuilder();
        int n = chunk.length();
        for (int i = 0; i < n; ) {
            char c = chunk.charAt(i);
            char prev = i > 0 ? chunk.charAt(i - 1) : 0;
            char next = i + 1 < n ? chunk.charAt(i + 1) : 0;
            String separate = null;
            int width = 1;
            switch (c) {
                case '"' -> separate = "''";
                case '(' -> separate = "-LRB-";
                case ')' -> separate = "-RRB-";
                case '[' -> separate = "-LSB-";
                case ']' -> separate = "-RSB-";
                case '{' -> separate = "-LCB-";
                case '}' -> separate = "-RCB-";
                case ',', ':' -> separate = isDigit(prev) && isDigit(next) ? null : String.valueOf(c);
                case '!', '?' -> {
                    width = runLength(chunk, i, "!?");
                    separate = chunk.substring(i, i + width);
                }
                case '.' -> {
                    int run = runLength(chunk, i, ".");
                    if (run >= 2) {
                        width = run;
                        separate = "...";
                    }
                }
                case '-' -> {
                    int run = runLength(chunk, i, "-");
                    if (run >= 2) {
                        width = run;
                        separate = "--";
                    } else if (next == 0 && word.length() > 0) {
                        separate = "-"; // "well-" -> "well -"
                    }
                }
                case '/' -> separate = next == 0 && word.length() > 0 ? "/" : null; // "w/" -> "w /"; "and/or" stays
                case '&' -> separate = Character.isUpperCase(prev) && Character.isUpperCase(next) ? null : "&";
                case '$' -> separate = "$";
                case '#' -> separate = isDigit(next) ? "#" : null;
                default -> separate = SYMBOLS.indexOf(c) >= 0 ? String.valueOf(c) : null;
            }
            if (separate != null) {
                flushWord(word, out);
                out.add(separate);
            } else {
                word.append(chunk, i, i + width);
            }
            i += width;
        }
        flushWord(word, out);
    }

    private static void flushWord(StringBuilder word, List<String> out) {
        if (word.length() > 0) {
            splitWord(word.toString(), out);
            word.setLength(0);
        }
    }

    /** A word without separators: opening quote, closing quote or period, then contractions. */
    private static void splitWord(String w, List<String> out) {
        String lower = w.toLowerCase(Locale.ENGLISH);
        int n = lower.indexOf("'n'");
        if (n >= 0) { // rock'n'roll -> rock 'n' roll
            if (n > 0) {
                splitWord(w.substring(0, n), out);
            }
            out.add(w.substring(n, n + 3));
            if (n + 3 < w.length()) {
                splitWord(w.substring(n + 3), out);
            }
            return;
        }
        if (lower.equals("y'all")) {
            out.add(w.substring(0, 2));
            out.add(w.substring(2));
            return;
        }
        Matcher time = TIME_OF_DAY.matcher(w);
        if (time.matches()) { // 5:00pm -> 5:00 pm
            out.add(time.group(1));
            out.add(time.group(2));
            return;
        }
        if (lower.equals("'tis") || lower.equals("'twas")) {
            out.add(w.substring(0, 2));
            out.add(w.substring(2));
            return;
        }
        if (w.length() > 1 && w.charAt(0) == '\'' && !isDigit(w.charAt(1)) && !isClitic(lower)) {
            out.add("`"); // an opening single quote; a leading apostrophe before digits ('90s) stays
            w = w.substring(1);
            lower = lower.substring(1);
        }
        List<String> tail = new ArrayList<>();
        if (w.length() > 1 && w.endsWith(".") && !keepsPeriod(w.substring(0, w.length() - 1))) {
            tail.add(".");
            w = w.substring(0, w.length() - 1);
        }
        if (w.length() > 1 && w.endsWith("'") && !isClitic(w.toLowerCase(Locale.ENGLISH))) {
            tail.add("'"); // plural possessive or closing quote: "dogs'" -> "dogs '"
            w = w.substring(0, w.length() - 1);
        }
        splitContractions(w, out);
        for (int k = tail.size() - 1; k >= 0; k--) {
            out.add(tail.get(k));
        }
    }

    private static void splitContractions(String w, List<String> out) {
        String lower = w.toLowerCase(Locale.ENGLISH);
        switch (lower) {
            case "cannot" -> { out.add(w.substring(0, 3)); out.add(w.substring(3)); return; }
            case "gonna", "wanna", "gotta", "lemme", "gimme" -> { out.add(w.substring(0, 3)); out.add(w.substring(3)); return; }
            default -> { }
        }
        List<String> clitics = new ArrayList<>();
        boolean peeled = true;
        while (peeled) {
            peeled = false;
            String l = w.toLowerCase(Locale.ENGLISH);
            for (String clitic : CLITICS) {
                if (l.length() > clitic.length() && l.endsWith(clitic) && Character.isLetter(l.charAt(l.length() - clitic.length() - 1))) {
                    clitics.add(w.substring(w.length() - clitic.length()));
                    w = w.substring(0, w.length() - clitic.length());
                    peeled = true;
                    break;
                }
            }
        }
        if (!w.isEmpty()) {
            out.add(w);
        }
        for (int k = clitics.size() - 1; k >= 0; k--) {
            out.add(clitics.get(k));
        }
    }

    /** Whether PTB keeps "{@code stem}." together: initials, dotted acronyms (u.s, e.g) and common abbreviations. */
    private static boolean keepsPeriod(String stem) {
        if (stem.length() == 1 && Character.isLetter(stem.charAt(0))) {
            return true;
        }
        if (stem.matches("\\p{L}(\\.\\p{L})+")) {
            return true;
        }
        return ABBREVIATIONS.contains(stem.toLowerCase(Locale.ENGLISH));
    }

    private static boolean isClitic(String lower) {
        for (String c : CLITICS) {
            if (lower.equals(c)) {
                return true;
            }
        }
        return false;
    }

    private static int runLength(String s, int from, String chars) {
        int j = from;
        while (j < s.length() && chars.indexOf(s.charAt(j)) >= 0) {
            j++;
        }
        return j - from;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whitespace as Python's {@code str.split()} sees it (CoreNLP treats the same characters as blanks). */
    static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085' || (c >= '\u001C' && c <= '\u001F');
    }

    /** Tokenizes standard input line by line: used by tools/metrics-reference to compare with the Stanford jar. */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            out.println(tokenizeToString(line));
        }
    }
}
