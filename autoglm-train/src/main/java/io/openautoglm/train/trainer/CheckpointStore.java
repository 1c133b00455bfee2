package io.openautoglm.train.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.Provenance;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.core.io.FileTrees;
import io.openautoglm.train.optim.AdamW;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Checkpoints under {@code OUT/checkpoints/step-NNNNNNNN/}: a model directory (ours) plus
 * {@code optimizer.safetensors} and {@code trainer_state.json}. Each is assembled in a temporary
 * folder and renamed into place, so a crash leaves either the whole checkpoint or none. The last
 * {@code keepLast} are kept, and the best one is copied to {@code OUT/best/}.
 */
public final class CheckpointStore {
    public static final String STATE = "trainer_state.json";
    public static final String OPTIMIZER = "optimizer.safetensors";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;
    private final int keepLast;

    public CheckpointStore(Path out, int keepLast) {
        this.root = out.resolve("checkpoints");
        this.keepLast = keepLast;
    }

    public Path root() {
        return root;
    }

    /** More files of a checkpoint (the momentum encoder, the negative queue), written into the folder being assembled. */
    @FunctionalInterface
    public interface Extra {
        void writeInto(Path dir) throws IOException;
    }

    /** Writes a checkpoint for {@code step} (steps completed) atomically and prunes old ones. */
    public Path save(long step, MultimodalModel model, AdamW optimizer, ObjectNode state, Provenance provenance) throws IOException {
        return save(step, model, optimizer, state, provenance, dir -> { });
    }

    /** As above, with more files written into the checkpoint before it is renamed into place. */
    public Path save(long step, MultimodalModel model, AdamW optimizer, ObjectNode state, Provenance provenance, Extra extra)
            throws IOException {
        Files.createDirectories(root);
        Path target = root.resolve(name(step));
        Path tmp = Files.createTempDirectory(root, ".tmp-" + name(step) + "-");
        try {
            model.saveWith(tmp, provenance);
            optimizer.save(tmp.resolve(OPTIMIZER));
            extra.writeInto(tmp);
            AtomicFiles.writeString(tmp.resolve(STATE), JSON.writeValueAsString(state));
            FileTrees.delete(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            FileTrees.delete(tmp);
        }
        prune();
        return target;
    }

    /** Replaces {@code OUT/best} with a copy of a checkpoint's model files, atomically. */
    public void markBest(Path checkpoint, Path bestDir) throws IOException {
        Path parent = bestDir.toAbsolutePath().getParent();
        Path tmp = Files.createTempDirectory(parent, ".tmp-best-");
        try (Stream<Path> files = Files.list(checkpoint)) {
            for (Path f : files.toList()) {
                Files.copy(f, tmp.resolve(f.getFileName()));
            }
            Path old = parent.resolve(".old-best");
            if (Files.exists(bestDir)) {
                Files.move(bestDir, old, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.move(tmp, bestDir, StandardCopyOption.ATOMIC_MOVE);
            FileTrees.delete(old);
        } finally {
            FileTrees.delete(tmp);
        }
    }

    /** The checkpoint with the most steps, if any. */
    public Optional<Path> latest() {
        return list().stream().reduce((a, b) -> b);
    }

    public List<Path> list() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.filter(p -> p.getFileName().toString().startsWith("step-") && Files.isRegularFile(p.resolve(STATE)))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode readState(Path checkpoint) {
        try {
            return (ObjectNode) JSON.readTree(checkpoint.resolve(STATE).toFile());
        } catch (IOException | ClassCastException e) {
            throw new UserInputException("checkpoint " + checkpoint + " has an unreadable " + STATE + ": " + e.getMessage());
        }
    }

    private void prune() throws IOException {
        List<Path> all = list();
        for (int i = 0; i < all.size() - keepLast; i++) {
            FileTrees.delete(all.get(i));
        }
    }

    static String name(long step) {
        return String.format("step-%08d", step);
    }
}
