package io.openautoglm.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Whole folders: what temporary and replaced outputs (checkpoints, galleries, indexes) need. */
public final class FileTrees {
    private FileTrees() {}

    /** Deletes {@code path} and everything below it, deepest first; nothing to do when it is absent. */
    public static void delete(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
