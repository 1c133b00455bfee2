package io.openautoglm.cli;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where autoglm and DJL keep their caches. {@code AUTOGLM_CACHE_DIR} moves both (ours to
 * {@code $AUTOGLM_CACHE_DIR}, DJL's natives to {@code $AUTOGLM_CACHE_DIR/djl.ai}); without it they
 * follow {@code $HOME} ({@code ~/.cache/autoglm}, {@code ~/.djl.ai}), not Java's {@code user.home},
 * which ignores a changed {@code HOME}. DJL's own {@code DJL_CACHE_DIR} (variable or property) wins.
 */
final class CacheDirs {
    static final String VARIABLE = "AUTOGLM_CACHE_DIR";
    static final String DJL_VARIABLE = "DJL_CACHE_DIR";

    private final Map<String, String> env;
    private final String userHome;

    CacheDirs(Map<String, String> env, String userHome) {
        this.env = env;
        this.userHome = userHome;
    }

    static CacheDirs system() {
        return new CacheDirs(System.getenv(), System.getProperty("user.home"));
    }

    /** Our cache root: {@code $AUTOGLM_CACHE_DIR}, else {@code $HOME/.cache/autoglm}. */
    Path root() {
        String dir = nonBlank(env.get(VARIABLE));
        return dir != null ? Path.of(dir) : home().resolve(".cache").resolve("autoglm");
    }

    /** DJL's cache (natives unpacked there): {@code $AUTOGLM_CACHE_DIR/djl.ai}, else {@code $HOME/.djl.ai}. */
    Path djl() {
        String dir = nonBlank(env.get(VARIABLE));
        return dir != null ? Path.of(dir).resolve("djl.ai") : home().resolve(".djl.ai");
    }

    private Path home() {
        String home = nonBlank(env.get("HOME"));
        return Path.of(home != null ? home : userHome);
    }

    /** Points DJL at {@link #djl()} unless the user set DJL_CACHE_DIR; must run before DJL loads an engine. */
    static void applyToDjl() {
        if (nonBlank(System.getenv(DJL_VARIABLE)) == null && nonBlank(System.getProperty(DJL_VARIABLE)) == null) {
            System.setProperty(DJL_VARIABLE, system().djl().toString());
        }
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
