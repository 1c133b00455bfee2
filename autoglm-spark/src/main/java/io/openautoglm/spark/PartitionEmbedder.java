package io.openautoglm.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.search.ModelIdentity;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Row;

/**
 * The task: embeds one partition of pictures in batches with the executor's model, skips those
 * whose SHA-256 the output holds already for their id, lists the ones that cannot be read or
 * decoded, and commits its files at the end ({@link PartitionFiles}). Input rows are
 * {@code (id, path, done_sha256: array<string> or null)}.
 */
final class PartitionEmbedder implements Function2<Integer, Iterator<Row>, Iterator<PartitionEmbedder.Report>> {
    private static final long serialVersionUID = 1L;

    /** Partitions running in this JVM; the driver waits for none before stopping a local context. */
    static final AtomicInteger RUNNING = new AtomicInteger();

    /**
     * Tests only: told each partition's number after its first attempt committed, the worst moment
     * for a failure (the files are in place, Spark does not know yet); it may throw, or stop the job.
     */
    static volatile IntConsumer afterFirstAttemptCommitted = p -> { };

    /** What one partition did; {@code failures} holds its first few, the failures table all of them. */
    record Report(int partition, int total, int embedded, int unchanged, int failed, List<Failure> failures) implements Serializable {}

    record Failure(String id, String path, String reason) implements Serializable {}

    static final int FAILURES_REPORTED = 10;

    private final String modelDir;
    private final String modelIdentityJson;
    private final String out;
    private final String run;
    private final int batchSize;
    private final Map<String, String> hadoopConf;

    PartitionEmbedder(String modelDir, ModelIdentity model, String out, String run, int batchSize, Map<String, String> hadoopConf) {
        this.modelDir = modelDir;
        this.modelIdentityJson = model.toJson().toString();
        this.out = out;
        this.run = run;
        this.batchSize = batchSize;
        this.hadoopConf = hadoopConf;
    }

    @Override
    public Iterator<Report> call(Integer partition, Iterator<Row> rows) throws IOException {
        RUNNING.incrementAndGet();
        try {
            return List.of(embed(partition, rows)).iterator();
        } finally {
            RUNNING.decrementAndGet();
        }
    }

    private Report embed(int partition, Iterator<Row> rows) throws IOException {
        TaskContext task = TaskContext.get();
        int attempt = task == null ? 0 : task.attemptNumber();
        Configuration conf = new Configuration(false);
        hadoopConf.forEach(conf::set);
        ModelIdentity identity = ModelIdentity.fromJson(new ObjectMapper().readTree(modelIdentityJson));
        MultimodalModel model = null; // loaded at the first picture to embed: a partition of done pictures needs none
        EmbedOptions options = new EmbedOptions(batchSize, true);
        int total = 0;
        int embedded = 0;
        int unchanged = 0;
        List<Failure> failures = new ArrayList<>();
        int failed = 0;
        try (PartitionFiles files = new PartitionFiles(OutputFolder.at(out, conf), conf, run, partition, attempt, identity.weightsSha256())) {
            List<Row> batch = new ArrayList<>();
            List<String> hashes = new ArrayList<>();
            List<RgbImage> pictures = new ArrayList<>();
            while (rows.hasNext() || !pictures.isEmpty()) {
                if (rows.hasNext()) {
                    Row row = rows.next();
                    total++;
                    String id = row.getString(0);
                    String path = row.getString(1);
                    byte[] bytes;
                    try {
                        bytes = PictureBytes.read(path, conf);
                    } catch (NoSuchFileException e) {
                        failed += fail(files, failures, id, path, "cannot read: no such file");
                        continue;
                    } catch (IOException | UncheckedIOException | IllegalArgumentException e) { // IAE: a malformed URI
                        failed += fail(files, failures, id, path, "cannot read: " + e.getMessage());
                        continue;
                    }
                    String sha = Sha256.of(bytes);
                    if (done(row).contains(sha)) {
                        unchanged++;
                        continue;
                    }
                    if (model == null) {
                        model = ExecutorModel.get(modelDir, identity);
                    }
                    try {
                        pictures.add(model.imageLoader().load(bytes, path));
                    } catch (UserInputException e) {
                        failed += fail(files, failures, id, path, e.getMessage());
                        continue;
                    }
                    batch.add(row);
                    hashes.add(sha);
                    if (pictures.size() < batchSize && rows.hasNext()) {
                        continue;
                    }
                }
                if (task != null && task.isInterrupted()) { // the job was cancelled (SIGTERM): stop between batches
                    throw new TaskKilledException("cancelled");
                }
                float[][] vectors = model.embedImages(pictures, options); // (B, D), L2-normalized
                for (int i = 0; i < vectors.length; i++) {
                    files.embedding(batch.get(i).getString(0), batch.get(i).getString(1), hashes.get(i), vectors[i]);
                }
                embedded += vectors.length;
                batch.clear();
                hashes.clear();
                pictures.clear();
            }
            files.commit();
        }
        if (attempt == 0) {
            afterFirstAttemptCommitted.accept(partition);
        }
        return new Report(partition, total, embedded, unchanged, failed, List.copyOf(failures));
    }

    private static Set<String> done(Row row) {
        if (row.isNullAt(2)) {
            return Set.of();
        }
        return new HashSet<>(row.getList(2));
    }

    private static int fail(PartitionFiles files, List<Failure> sample, String id, String path, String reason) throws IOException {
        files.failure(id, path, reason);
        if (sample.size() < FAILURES_REPORTED) {
            sample.add(new Failure(id, path, reason));
        }
        return 1;
    }
}
