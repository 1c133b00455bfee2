package io.openautoglm.cli;

import io.openautoglm.core.io.FileTrees;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.search.ImageIndexer;
import io.openautoglm.search.ImageSource;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.VectorIndex;
import io.openautoglm.train.data.shapeworld.ShapeWorldConfig;
import io.openautoglm.train.data.shapeworld.ShapeWorldGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The gallery {@code autoglm serve} searches when given no {@code --index}: {@value #COUNT}
 * ShapeWorld pictures generated once with a fixed seed ({@code pictures/}), and one index of them
 * per model ({@code index-<weights sha256 prefix>/}), so later starts, and other models, reuse what
 * is there. Both are built in a temporary folder and renamed into place when complete: a start that
 * is killed half-way leaves nothing that a later start would mistake for a finished gallery.
 */
final class DemoGallery {
    static final int COUNT = 200;
    static final long SEED = 20_240_601L;
    static final String PICTURES = "pictures";

    private DemoGallery() {}

    /** {@code ~/.cache/autoglm/gallery} (or {@code $AUTOGLM_CACHE_DIR/gallery}): generated data, safe to delete. */
    static Path defaultDir() {
        return CacheDirs.system().root().resolve("gallery");
    }

    /** The gallery's index for {@code model}, generating and indexing what is missing (progress on {@code err}). */
    static Path prepare(Path dir, ModelIdentity identity, MultimodalModel model, PrintWriter err) {
        try {
            Files.createDirectories(dir);
            Path pictures = dir.resolve(PICTURES);
            if (!Files.isRegularFile(pictures.resolve(ShapeWorldGenerator.PROVENANCE_FILE))) {
                err.println("demo gallery: generating " + COUNT + " ShapeWorld pictures (seed " + SEED + ") in " + pictures);
                err.flush();
                Path tmp = fresh(dir.resolve(PICTURES + ".partial"));
                new ShapeWorldGenerator(ShapeWorldConfig.defaults(COUNT, SEED)).generate(tmp, false, line -> { });
                moveIntoPlace(tmp, pictures);
            }
            Path index = dir.resolve("index-" + identity.weightsSha256().substring(0, 12));
            if (!IndexDirectory.exists(index)) {
                List<ImageSource.Item> items = new ArrayList<>();
                for (String split : ShapeWorldConfig.SPLIT_NAMES) {
                    Path manifest = pictures.resolve(split + ".jsonl");
                    if (Files.isRegularFile(manifest)) {
                        items.addAll(ImageSource.manifest(Manifest.read(manifest)));
                    }
                }
                err.println("demo gallery: indexing " + items.size() + " pictures with model " + identity.name()
                        + " into " + index + " (once per model)");
                err.flush();
                Path tmp = fresh(dir.resolve(index.getFileName() + ".partial"));
                IndexDirectory building = IndexDirectory.create(tmp, IndexSettings.hnsw(), identity);
                try (VectorIndex vectors = building.open(true)) {
                    new ImageIndexer(model, vectors, ImageIndexer.Options.defaults(), err, null).build(items);
                }
                moveIntoPlace(tmp, index);
            }
            return index;
        } catch (IOException e) {
            throw new UserInputException("cannot prepare the demo gallery in " + dir + ": " + e.getMessage()
                    + " (--gallery-dir DIR puts it elsewhere; --no-gallery skips it)", e);
        }
    }

    /** An empty folder at {@code p}, removing what a killed earlier start left there. */
    private static Path fresh(Path p) throws IOException {
        FileTrees.delete(p);
        return p;
    }

    private static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + to + " atomically", e);
        }
    }
}
