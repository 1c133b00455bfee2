package io.openautoglm.eval.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** N-gram counting shared by BLEU and CIDEr-D. */
final class NGrams {
    private NGrams() {}

    /**
     * Counts every n-gram of length 1..maxN. Keys are the tokens joined by a space (tokens never
     * contain one), so an n-gram's length is its number of spaces plus one. Insertion order (by
     * length, then position) is the toolkit's, so sums over n-grams add in the same order.
     */
    static Map<String, Integer> count(List<String> tokens, int maxN) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int k = 1; k <= maxN; k++) {
            for (int i = 0; i + k <= tokens.size(); i++) {
                counts.merge(String.join(" ", tokens.subList(i, i + k)), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** The number of tokens in an n-gram key. */
    static int order(String ngram) {
        int spaces = 0;
        for (int i = 0; i < ngram.length(); i++) {
            if (ngram.charAt(i) == ' ') {
                spaces++;
            }
        }
        return spaces + 1;
    }
}
