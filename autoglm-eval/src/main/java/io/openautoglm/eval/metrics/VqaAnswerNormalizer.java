package io.openautoglm.eval.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The official VQA answer normalization (the VQA v2 evaluation's punctuation and digit/article
 * steps), reproduced rule for rule, including the parts that look accidental but change scores.
 */
public final class VqaAnswerNormalizer {
    /** Characters removed or turned into spaces (see {@link #processPunctuation}). */
    private static final List<String> PUNCTUATION = List.of(
            ";", "/", "[", "]", "\"", "{", "}", "(", ")", "=", "+", "\\", "_", "-", ">", "<", "@", "`", ",", "?", "!");
    /** A comma between digits anywhere in the answer ("1,000") switches every mark to removal. */
    private static final Pattern COMMA_BETWEEN_DIGITS = Pattern.compile("\\p{Nd},\\p{Nd}");
    /**
     * A period not followed by a digit. The official pattern starts with {@code (?!<=\d)}, a
     * misspelt look-behind that is really a look-ahead for "&lt;=" and can never fail at a period.
     */
    private static final Pattern PERIOD_NOT_BEFORE_DIGIT = Pattern.compile("\\.(?!\\p{Nd})");
    /**
     * The official code passes {@code re.UNICODE} (32) where Python's {@code sub} takes its count,
     * so at most 32 such periods are removed.
     */
    private static final int MAX_PERIODS_REMOVED = 32;
    private static final Set<String> ARTICLES = Set.of("a", "an", "the");
    private static final Map<String, String> NUMBER_WORDS = Map.ofEntries(
            Map.entry("none", "0"), Map.entry("zero", "0"), Map.entry("one", "1"), Map.entry("two", "2"),
            Map.entry("three", "3"), Map.entry("four", "4"), Map.entry("five", "5"), Map.entry("six", "6"),
            Map.entry("seven", "7"), Map.entry("eight", "8"), Map.entry("nine", "9"), Map.entry("ten", "10"));

    private VqaAnswerNormalizer() {}

    /**
     * A predicted answer as the evaluation compares it: newlines and tabs to spaces, trimmed,
     * punctuation, then lowercase, number words, articles and contractions.
     */
    public static String normalizePrediction(String answer) {
        return processDigitArticle(processPunctuation(cleanWhitespace(answer)));
    }

    /** Newlines and tabs to spaces, then Python's strip(): the only step every answer gets since 2021. */
    public static String cleanWhitespace(String answer) {
        return stripPython(answer.replace('\n', ' ').replace('\t', ' '));
    }

    /**
     * Punctuation: each mark is deleted if it touches a space anywhere in the answer (or the answer
     * has a comma between digits), else replaced by a space; then periods not before a digit go.
     */
    public static String processPunctuation(String in) {
        boolean commaBetweenDigits = COMMA_BETWEEN_DIGITS.matcher(in).find();
        String out = in;
        for (String p : PUNCTUATION) {
            if (in.contains(p + " ") || in.contains(" " + p) || commaBetweenDigits) {
                out = out.replace(p, "");
            } else {
                out = out.replace(p, " ");
            }
        }
        Matcher m = PERIOD_NOT_BEFORE_DIGIT.matcher(out);
        StringBuilder sb = new StringBuilder();
        int removed = 0;
        while (removed < MAX_PERIODS_REMOVED && m.find()) {
            m.appendReplacement(sb, "");
            removed++;
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Lowercase, split on whitespace, number words to digits, articles dropped, contractions restored, joined by spaces. */
    public static String processDigitArticle(String in) {
        List<String> words = new ArrayList<>();
        for (String w : splitPython(in.toLowerCase(Locale.ROOT))) {
            w = NUMBER_WORDS.getOrDefault(w, w);
            if (!ARTICLES.contains(w)) {
                words.add(VqaContractions.restore(w));
            }
        }
        return String.join(" ", words);
    }

    /** Python's {@code str.split()}: runs of whitespace separate, none at the ends. */
    static List<String> splitPython(String s) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            while (i < s.length() && CocoCaptionTokenizer.isSpace(s.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < s.length() && !CocoCaptionTokenizer.isSpace(s.charAt(i))) {
                i++;
            }
            if (i > start) {
                words.add(s.substring(start, i));
            }
        }
        return words;
    }

    /** Python's {@code str.strip()}: whitespace off both ends. */
    static String stripPython(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && CocoCaptionTokenizer.isSpace(s.charAt(from))) {
            from++;
        }
        while (to > from && CocoCaptionTokenizer.isSpace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }
}
