package io.openautoglm.train.config;

import io.openautoglm.core.UserInputException;
import java.util.List;

/** Config validation: each failure names the key, the value and what is allowed. */
final class Checks {
    private Checks() {}

    static void notNull(String key, Object value) {
        if (value == null) {
            throw new UserInputException("config: " + key + " is required");
        }
    }

    static void notBlank(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new UserInputException("config: " + key + " is required");
        }
    }

    static void oneOf(String key, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new UserInputException("config: " + key + " is '" + value + "'; expected one of " + allowed);
        }
    }

    static void range(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new UserInputException("config: " + key + " is " + value + "; expected a value in [" + min + ", " + max + "]");
        }
    }

    static void range(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new UserInputException("config: " + key + " is " + value + "; expected a value in [" + min + ", " + max + "]");
        }
    }
}
