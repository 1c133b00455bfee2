package io.openautoglm.train.data.shapeworld;

import java.util.List;

/** Small pieces of English shared by the caption and question templates. */
final class Phrases {
    static final String[] NUMBER_WORDS = {"zero", "one", "two", "three", "four"};

    private Phrases() {}

    /** "a" or "an" for the word that follows ("an orange star", "an object"). */
    static String article(String next) {
        return "aeiou".indexOf(next.charAt(0)) >= 0 ? "an" : "a";
    }

    static String withArticle(String words) {
        return article(words) + " " + words;
    }

    /** "a", "a and b", "a, b and c". */
    static String list(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    static String number(int n) {
        return NUMBER_WORDS[n];
    }

    /**
     * The shortest unambiguous name of an object for relations and questions: "red circle" when
     * no other object is a red circle, "large red circle" when that is needed, else null (two
     * identical objects cannot be told apart in words).
     */
    static String referent(Scene scene, SceneObject o) {
        if (scene.matching(null, o.color(), o.shape()).size() == 1) {
            return o.words(false);
        }
        if (scene.matching(o.size(), o.color(), o.shape()).size() == 1) {
            return o.words(true);
        }
        return null;
    }
}
