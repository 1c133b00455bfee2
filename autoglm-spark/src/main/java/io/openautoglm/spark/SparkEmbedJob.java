package io.openautoglm.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.search.ImageSource;
import io.openautoglm.search.ModelIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The driver of {@code autoglm spark embed}: checks everything it can before anything is written
 * ({@link #prepare}), then ({@link #run}) hands the pictures not embedded yet to the executors in
 * hash partitions by id and collects one small report per partition. Pictures whose SHA-256 the
 * output holds for their id are skipped by the tasks, which read each file once anyway to hash
 * it; the previous output is joined to the input by id, so no set of hashes has to fit in one JVM.
 */
public final class SparkEmbedJob {
    /** Pictures per partition when {@code partitions} is not given (and at least two partitions per core). */
    static final int PICTURES_PER_PARTITION = 2_000;

    private static final StructType ITEMS = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("path", DataTypes.StringType, false);

    /**
     * @param manifest a JSONL manifest (paths relative to it), or null
     * @param parquet a Parquet table with a {@code path} (or {@code image}) column and optionally {@code id}, or null
     * @param out the output folder (a path or a Hadoop URI)
     * @param partitions how many tasks, or 0 for {@link #PICTURES_PER_PARTITION} each
     */
    public record Request(Path model, Path manifest, String parquet, String out, int batchSize, int partitions) {
        public Request {
            if ((manifest == null) == (parquet == null)) {
                throw new UserInputException("give exactly one of --manifest FILE and --parquet TABLE");
            }
            if (batchSize < 1) {
                throw new UserInputException("--batch-size must be at least 1, got " + batchSize);
            }
            if (partitions < 0) {
                throw new UserInputException("--partitions must be at least 1, got " + partitions);
            }
        }
    }

    /** A checked request: the model loaded and fingerprinted, a manifest read, the output folder checked. Nothing written. */
    public static final class Prepared implements AutoCloseable {
        final Request request;
        final MultimodalModel model;
        final ModelIdentity identity;
        final List<ImageSource.Item> manifestItems; // null for a Parquet input
        final boolean outputExists;

        private Prepared(Request request, MultimodalModel model, ModelIdentity identity, List<ImageSource.Item> items, boolean exists) {
            this.request = request;
            this.model = model;
            this.identity = identity;
            this.manifestItems = items;
            this.outputExists = exists;
        }

        public ModelIdentity identity() {
            return identity;
        }

        @Override
        public void close() {
            ExecutorModel.closeAll(model);
            model.close();
        }
    }

    /**
     * What a run did. {@code total} counts the input's pictures; {@code stoppedBy} is set when a
     * stop signal ended it early, and then only {@code partitionsWritten} is known.
     */
    public record Result(String run, String out, long total, long embedded, long unchanged, long failed,
            List<PartitionEmbedder.Failure> someFailures, int partitions, int partitionsWritten, double seconds, String stoppedBy) {}

    private SparkEmbedJob() {}

    public static Prepared prepare(Request request) {
        List<ImageSource.Item> items = null;
        if (request.manifest() != null) {
            items = ImageSource.manifest(Manifest.read(request.manifest())); // one line for a missing file or a bad line
        } else if (PictureBytes.schemeOf(request.parquet()) == null || request.parquet().startsWith("file:")) {
            Path local = request.parquet().startsWith("file:") ? Path.of(java.net.URI.create(request.parquet())) : Path.of(request.parquet());
            if (!Files.exists(local)) {
                throw new UserInputException("parquet table " + request.parquet() + " does not exist");
            }
        }
        if (!Files.isDirectory(request.model())) {
            throw new UserInputException("model folder " + request.model() + (Files.exists(request.model()) ? " is not a folder" : " does not exist"));
        }
        MultimodalModel model = MultimodalModel.load(request.model());
        try {
            ModelIdentity identity = ModelIdentity.of(request.model(), model);
            boolean exists = OutputFolder.at(request.out(), new Configuration()).check(identity);
            return new Prepared(request, model, identity, items, exists);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** Runs the job on {@code spark}; {@code stop} raised (SIGTERM) cancels it between batches, keeping committed partitions. */
    public static Result run(SparkSession spark, Prepared job, StopSignal stop) throws IOException {
        long start = System.nanoTime();
        Request r = job.request;
        String run = runId();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        OutputFolder out = OutputFolder.at(r.out(), conf);
        Dataset<Row> items = job.manifestItems != null ? manifestItems(spark, job.manifestItems) : parquetItems(spark, r.parquet());
        long total = job.manifestItems != null ? job.manifestItems.size() : items.count();
        if (total == 0) {
            throw new UserInputException("parquet table " + r.parquet() + " has no rows");
        }
        out.prepare(job.identity); // the first write: everything above was checked

        Dataset<Row> todo = withDone(spark, out, items);
        int partitions = r.partitions() > 0 ? r.partitions()
                : (int) Math.max(2L * sc.defaultParallelism(), (total + PICTURES_PER_PARTITION - 1) / PICTURES_PER_PARTITION);
        ExecutorModel.share(job.request.model().toString(), job.model); // local mode: the driver's copy serves its tasks
        PartitionEmbedder embedder = new PartitionEmbedder(r.model().toString(), job.identity, out.root().toString(), run,
                r.batchSize(), hadoopSettings(conf));
        String group = "autoglm-spark-embed-" + run;
        sc.setJobGroup(group, "autoglm spark embed " + r.out(), false); // no thread interrupts: tasks stop between batches
        Thread watcher = watch(stop, () -> sc.cancelJobGroup(group));
        List<PartitionEmbedder.Report> reports;
        try {
            reports = todo.repartition(partitions, col("id")).javaRDD().mapPartitionsWithIndex(embedder, false).collect();
        } catch (Exception e) { // SparkException (checked in Scala, undeclared here) when a task failed for good or the job was cancelled
            if (stop.requested()) {
                awaitLocalTasks();
                out.removeTemporary(run);
                int written = out.parquetFiles(out.embeddings()).stream().filter(p -> p.getName().startsWith("part-" + run + "-")).toList().size();
                return new Result(run, out.root().toString(), total, 0, 0, 0, List.of(), partitions, written, seconds(start), stop.reason());
            }
            throw userErrorIn(e);
        } finally {
            watcher.interrupt();
            sc.clearJobGroup();
        }
        out.removeTemporary(run);
        long embedded = 0;
        long unchanged = 0;
        long failed = 0;
        List<PartitionEmbedder.Failure> some = new ArrayList<>();
        int written = 0;
        for (PartitionEmbedder.Report p : reports) {
            embedded += p.embedded();
            unchanged += p.unchanged();
            failed += p.failed();
            written += p.embedded() > 0 || p.failed() > 0 ? 1 : 0;
            p.failures().stream().limit(PartitionEmbedder.FAILURES_REPORTED - some.size()).forEach(some::add);
        }
        return new Result(run, out.root().toString(), total, embedded, unchanged, failed, List.copyOf(some), partitions, written,
                seconds(start), null);
    }

    private static Dataset<Row> manifestItems(SparkSession spark, List<ImageSource.Item> items) {
        List<Row> rows = new ArrayList<>(items.size());
        items.forEach(i -> rows.add(RowFactory.create(i.id(), i.file().toString())));
        return spark.createDataFrame(rows, ITEMS);
    }

    /** {@code (id, path)} from a table's {@code path} or {@code image} column; relative paths are relative to the table's folder. */
    private static Dataset<Row> parquetItems(SparkSession spark, String table) {
        Dataset<Row> rows;
        try {
            rows = spark.read().parquet(table);
        } catch (RuntimeException e) { // AnalysisException (no such path, not Parquet) and friends
            throw new UserInputException("cannot read parquet table " + table + ": " + firstLine(e), e);
        }
        List<String> columns = Arrays.asList(rows.columns());
        String pathColumn = columns.contains("path") ? "path" : columns.contains("image") ? "image" : null;
        if (pathColumn == null) {
            throw new UserInputException("parquet table " + table + " has no \"path\" (or \"image\") column; its columns: " + columns);
        }
        org.apache.hadoop.fs.Path qualified;
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(table);
            qualified = p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p);
        } catch (IOException e) {
            throw new UserInputException("cannot read parquet table " + table + ": " + e.getMessage(), e);
        }
        String base = "file".equals(qualified.toUri().getScheme()) ? qualified.getParent().toUri().getPath() : qualified.getParent().toString();
        Column path = col(pathColumn).cast(DataTypes.StringType);
        Column resolved = when(path.rlike("^(/|[A-Za-z][A-Za-z0-9+.-]+:)"), path).otherwise(concat(lit(base + "/"), path));
        Column id = columns.contains("id") ? col("id").cast(DataTypes.StringType) : path;
        return rows.where(path.isNotNull()).select(id.as("id"), resolved.as("path")).dropDuplicates("id");
    }

    /** The input with {@code done_sha256}: the hashes the output holds for each id (null for none). */
    private static Dataset<Row> withDone(SparkSession spark, OutputFolder out, Dataset<Row> items) throws IOException {
        if (out.parquetFiles(out.embeddings()).isEmpty()) {
            return items.withColumn("done_sha256", lit(null).cast(DataTypes.createArrayType(DataTypes.StringType)));
        }
        Dataset<Row> done = spark.read().parquet(out.embeddings().toString())
                .groupBy("id").agg(collect_set("sha256").as("done_sha256"));
        return items.join(done, items.col("id").equalTo(done.col("id")), "left_outer")
                .select(items.col("id"), items.col("path"), done.col("done_sha256"));
    }

    /** Raises nothing itself: calls {@code cancel} once when {@code stop} is raised. */
    private static Thread watch(StopSignal stop, Runnable cancel) {
        Thread t = new Thread(() -> {
            try {
                while (!stop.requested()) {
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                cancel.run();
            } catch (InterruptedException e) {
                // the job ended first
            }
        }, "autoglm-spark-stop-watcher");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** In local mode the tasks run in this JVM: the context may stop only when none is in a forward any more. */
    private static void awaitLocalTasks() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (PartitionEmbedder.RUNNING.get() > 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** A task that failed on the user's input (another model on an executor, ...) is that one line, not Spark's stack. */
    private static RuntimeException userErrorIn(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UserInputException u) {
                return new UserInputException(u.getMessage(), e);
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    private static Map<String, String> hadoopSettings(Configuration conf) {
        Map<String, String> settings = new HashMap<>();
        conf.forEach(e -> settings.put(e.getKey(), e.getValue()));
        return settings;
    }

    private static String runId() {
        String time = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now());
        byte[] random = new byte[3];
        ThreadLocalRandom.current().nextBytes(random);
        return time + "-" + HexFormat.of().formatHex(random);
    }

    private static String firstLine(Throwable e) {
        String m = e instanceof AnalysisException a ? a.getSimpleMessage() : e.getMessage();
        m = m == null ? e.getClass().getSimpleName() : m;
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
