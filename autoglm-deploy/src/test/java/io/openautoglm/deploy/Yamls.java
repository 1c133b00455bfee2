package io.openautoglm.deploy;

import java.util.List;
import java.util.Map;

/** Typed steps into parsed YAML, failing with the path that was missing. */
final class Yamls {
    private Yamls() {}

    /** The value at {@code path} under {@code root}, or null when any step is missing. */
    static Object at(Object root, String... path) {
        Object here = root;
        for (String key : path) {
            if (!(here instanceof Map<?, ?> map)) {
                return null;
            }
            here = map.get(key);
        }
        return here;
    }

    static String string(Object root, String... path) {
        Object v = at(root, path);
        return v == null ? null : v.toString();
    }

    static Map<String, Object> map(Object root, String... path) {
        Object v = at(root, path);
        if (!(v instanceof Map<?, ?>)) {
            throw new AssertionError("expected a mapping at " + String.join(".", path) + ", got " + v);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    static <T> List<T> list(Object root, String... path) {
        Object v = at(root, path);
        if (!(v instanceof List<?>)) {
            throw new AssertionError("expected a list at " + String.join(".", path) + ", got " + v);
        }
        @SuppressWarnings("unchecked")
        List<T> l = (List<T>) v;
        return l;
    }
}
