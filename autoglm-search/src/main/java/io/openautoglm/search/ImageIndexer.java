package io.openautoglm.search;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.Progress;
import io.openautoglm.core.io.Sha256;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;

/**
 * Fills an index with pictures, incrementally and resumably. A picture whose content hash matches
 * what the index recorded for its id is skipped; new and changed ones are embedded in batches and
 * committed every {@code commitEvery} items, so a build killed at any moment keeps everything up to
 * its last commit and the same build run again picks up where it stopped. Pictures that cannot be
 * read or decoded are reported and left out, never dropped silently. When the process is asked to
 * stop ({@link StopSignal#process()}), the build commits what it has embedded between two batches
 * and returns early ({@link Report#stoppedBy()}); missing pictures are then not removed.
 */
public final class ImageIndexer {
    /**
     * @param removeMissing delete entries whose picture is no longer in the source
     */
    public record Options(int batchSize, int commitEvery, boolean removeMissing) {
        public Options {
            if (batchSize < 1) {
                throw new UserInputException("batch size must be at least 1, got " + batchSize);
            }
            if (commitEvery < 1) {
                throw new UserInputException("commit interval must be at least 1 item, got " + commitEvery);
            }
        }

        public static Options defaults() {
            return new Options(EmbedOptions.DEFAULT_BATCH_SIZE, 256, true);
        }
    }

    public record Failure(String id, String path, String reason) {}

    /**
     * What a build did; {@code count} is the index size after it.
     *
     * @param processed pictures looked at (all {@code total} unless the build stopped early)
     * @param stoppedBy what stopped the build early ({@code SIGTERM}, ...), or null when it finished
     */
    public record Report(int total, int added, int updated, int unchanged, int removed, List<Failure> failed, int count,
            double seconds, int processed, String stoppedBy) {}

    private final MultimodalModel model;
    private final VectorIndex index;
    private final Options options;
    private final PrintWriter progress;
    private final IntConsumer onCommit;

    /**
     * @param progress where the progress line goes (stderr), or null
     * @param onCommit told the number of items processed at each commit (a log line), or null
     */
    public ImageIndexer(MultimodalModel model, VectorIndex index, Options options, PrintWriter progress, IntConsumer onCommit) {
        this.model = model;
        this.index = index;
        this.options = options;
        this.progress = progress;
        this.onCommit = onCommit == null ? n -> { } : onCommit;
    }

    public Report build(List<ImageSource.Item> items) {
        long start = System.nanoTime();
        Map<String, String> known = index.contentHashes();
        int added = 0;
        int updated = 0;
        int unchanged = 0;
        int sinceCommit = 0;
        List<Failure> failed = new ArrayList<>();
        if (progress != null && !known.isEmpty()) {
            // A resumed or repeated build: say why the first part goes fast.
            progress.println("the index already holds " + known.size() + " items; pictures whose content is unchanged are"
                    + " skipped, new and changed ones embedded");
            progress.flush();
        }
        Progress bar = Progress.start(progress, "indexing", items.size());
        EmbedOptions embed = EmbedOptions.defaults().withBatchSize(options.batchSize());
        StopSignal stop = StopSignal.process();
        String stoppedBy = null;
        int processed = 0;
        for (int from = 0; from < items.size(); from += options.batchSize()) {
            if (stop.requested()) { // between batches: what is embedded so far gets committed below
                stoppedBy = stop.reason();
                break;
            }
            List<ImageSource.Item> batch = items.subList(from, Math.min(items.size(), from + options.batchSize()));
            List<ImageSource.Item> todo = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            List<RgbImage> pictures = new ArrayList<>();
            for (ImageSource.Item item : batch) {
                String sha;
                try {
                    sha = Sha256.of(item.file());
                } catch (IOException e) {
                    failed.add(failure(item, "cannot read: " + e.getMessage(), known));
                    continue;
                }
                if (sha.equals(known.get(item.id()))) {
                    unchanged++;
                    continue;
                }
                try {
                    pictures.add(model.imageLoader().load(item.file()));
                } catch (UserInputException e) {
                    failed.add(failure(item, e.getMessage(), known));
                    continue;
                }
                todo.add(item);
                hashes.add(sha);
            }
            float[][] vectors;
            try {
                vectors = pictures.isEmpty() ? new float[0][] : model.embedImages(pictures, embed); // (B, D)
            } catch (StopSignal.Stopped e) { // asked to stop before this batch's forward: its new pictures wait for the next build
                stoppedBy = e.reason();
                processed = from + batch.size() - todo.size();
                break;
            }
            for (int i = 0; i < todo.size(); i++) {
                ImageSource.Item item = todo.get(i);
                try {
                    index.upsert(new IndexEntry(item.id(), vectors[i], item.file().toString(), hashes.get(i), item.metadata()));
                } catch (UserInputException e) { // an id this index cannot hold (a SolrCloud index reserves a prefix)
                    failed.add(failure(item, e.getMessage(), known));
                    continue;
                }
                if (known.containsKey(item.id())) {
                    updated++;
                } else {
                    added++;
                }
            }
            sinceCommit += todo.size();
            int done = from + batch.size();
            processed = done;
            if (sinceCommit >= options.commitEvery()) {
                index.commit();
                sinceCommit = 0;
                onCommit.accept(done);
            }
            bar.set(done, status(unchanged, failed.size()));
        }
        int removed = 0;
        if (options.removeMissing() && stoppedBy == null) {
            Set<String> present = new HashSet<>();
            items.forEach(i -> present.add(i.id()));
            for (String id : known.keySet()) {
                if (!present.contains(id)) {
                    index.delete(id);
                    removed++;
                }
            }
        }
        index.commit();
        onCommit.accept(processed);
        if (stoppedBy != null) {
            bar.set(processed, "stopped by " + stoppedBy + "; committed");
        }
        bar.finish();
        return new Report(items.size(), added, updated, unchanged, removed, List.copyOf(failed), index.count(),
                (System.nanoTime() - start) / 1e9, processed, stoppedBy);
    }

    /** The progress line's tail: {@code 1536 unchanged, 2 failed} (empty when neither). */
    private static String status(int unchanged, int failed) {
        List<String> parts = new ArrayList<>();
        if (unchanged > 0) {
            parts.add(unchanged + " unchanged");
        }
        if (failed > 0) {
            parts.add(failed + " failed");
        }
        return String.join(", ", parts);
    }

    /** A picture we cannot index; an older entry for it would be stale, so it goes. */
    private Failure failure(ImageSource.Item item, String reason, Map<String, String> known) {
        if (known.containsKey(item.id())) {
            index.delete(item.id());
        }
        return new Failure(item.id(), item.file().toString(), reason);
    }
}
