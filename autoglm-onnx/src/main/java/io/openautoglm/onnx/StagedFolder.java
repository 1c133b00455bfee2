package io.openautoglm.onnx;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.FileTrees;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * A model folder written whole or not at all: everything goes into a hidden sibling of the
 * destination, which is fsynced and renamed onto it only when the caller commits. Closing an
 * uncommitted one deletes it, so a refused gate or a crash leaves no half-written model behind.
 */
public final class StagedFolder implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean committed;

    private StagedFolder(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /** Refuses a destination that exists and is not an empty folder. */
    public static StagedFolder forTarget(Path target) throws IOException {
        Path abs = target.toAbsolutePath().normalize();
        if (Files.exists(abs) && (!Files.isDirectory(abs) || !isEmpty(abs))) {
            throw new UserInputException(target + " already exists and is not an empty folder: choose a new --out");
        }
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        return new StagedFolder(abs, Files.createTempDirectory(parent, "." + abs.getFileName() + ".staging-"));
    }

    /** Where to write the files. */
    public Path dir() {
        return staging;
    }

    /** fsyncs every file and renames the folder onto the target. */
    public void commit() throws IOException {
        try (Stream<Path> files = Files.walk(staging)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
            }
        }
        if (Files.isDirectory(target)) {
            Files.delete(target); // empty, checked when staging began
        }
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(staging, target);
        }
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            FileTrees.delete(staging);
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }
}
