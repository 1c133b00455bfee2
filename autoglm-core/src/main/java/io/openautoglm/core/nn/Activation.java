package io.openautoglm.core.nn;

import java.util.Locale;

/** Feed-forward activation: CLIP's sigmoid approximation, or the exact erf GELU. */
public enum Activation {
    QUICK_GELU("quick_gelu"),
    GELU("gelu");

    private final String key;

    Activation(String key) {
        this.key = key;
    }

    /** The name config files use (Hugging Face's {@code hidden_act}). */
    public String key() {
        return key;
    }

    /** The activation a config names, or null when the name is none of ours (the config reader says so to the user). */
    public static Activation byKey(String name) {
        for (Activation a : values()) {
            if (a.key.equals(name.toLowerCase(Locale.ROOT))) {
                return a;
            }
        }
        return null;
    }
}
