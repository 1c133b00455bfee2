package io.openautoglm.search;

import io.openautoglm.core.UserInputException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Metadata conditions on a search: every key must match (AND), and a key given several values
 * matches any of them (OR), so {@code label=cat label=dog split=test} means a cat or a dog from
 * the test split.
 */
public record Filter(Map<String, Set<String>> allowed) {
    public static final Filter NONE = new Filter(Map.of());

    public Filter {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        allowed.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        allowed = java.util.Collections.unmodifiableMap(copy);
    }

    /** Parses {@code key=value} strings (the CLI's repeated {@code --filter}); one clear error for a malformed one. */
    public static Filter parse(Collection<String> conditions) {
        Map<String, Set<String>> allowed = new LinkedHashMap<>();
        for (String c : conditions) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new UserInputException("filter '" + c + "' is not key=value (e.g. --filter label=cat)");
            }
            allowed.computeIfAbsent(c.substring(0, eq), k -> new LinkedHashSet<>()).add(c.substring(eq + 1));
        }
        return new Filter(allowed);
    }

    public boolean isEmpty() {
        return allowed.isEmpty();
    }

    public boolean matches(Map<String, String> metadata) {
        for (Map.Entry<String, Set<String>> e : allowed.entrySet()) {
            String v = metadata.get(e.getKey());
            if (v == null || !e.getValue().contains(v)) {
                return false;
            }
        }
        return true;
    }
}
