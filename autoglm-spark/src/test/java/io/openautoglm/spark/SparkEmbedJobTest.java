package io.openautoglm.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job on a real local[2] Spark (task failures retried once), the bundled model, pictures on disk. */
class SparkEmbedJobTest {
    static final Path MODEL = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize();
    static final int PICTURES = 2_000;

    @TempDir
    static Path dir;

    static SparkSession spark;
    static List<Path> pictures;
    static Path manifest;

    @BeforeAll
    static void start() throws Exception {
        System.setProperty("ai.djl.pytorch.num_threads", "1"); // two tasks, two cores
        pictures = Pictures.write(dir, PICTURES, 7);
        Files.write(dir.resolve("images/broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        manifest = Pictures.manifest(dir.resolve("all.jsonl"), pictures,
                "{\"image\": \"images/broken.png\"}", "{\"image\": \"images/missing.png\"}");
        spark = SparkSession.builder().master("local[2,2]").appName("SparkEmbedJobTest")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @AfterEach
    void noInjectedFaults() {
        PartitionEmbedder.afterFirstAttemptCommitted = p -> { };
    }

    static SparkEmbedJob.Result run(SparkEmbedJob.Request request, StopSignal stop) throws Exception {
        try (SparkEmbedJob.Prepared job = SparkEmbedJob.prepare(request)) {
            return SparkEmbedJob.run(spark, job, stop);
        }
    }

    static Dataset<Row> embeddings(Path out) {
        return spark.read().parquet(out.resolve("embeddings").toString());
    }

    @Test
    void embedsEveryPictureAsTheModelDoesListsTheBrokenOnesAndARerunAddsNothing() throws Exception {
        Path out = dir.resolve("out-all");
        SparkEmbedJob.Request request = new SparkEmbedJob.Request(MODEL, manifest, null, out.toString(), 32, 0);
        SparkEmbedJob.Result first = run(request, new StopSignal());
        assertThat(first.total()).isEqualTo(PICTURES + 2);
        assertThat(first.embedded()).isEqualTo(PICTURES);
        assertThat(first.failed()).isEqualTo(2);
        assertThat(first.someFailures()).extracting(PartitionEmbedder.Failure::id)
                .containsExactlyInAnyOrder("images/broken.png", "images/missing.png");

        List<Row> rows = embeddings(out).select("id", "path", "sha256", "vector", "model_sha256").collectAsList();
        assertThat(rows).hasSize(PICTURES);
        Map<String, Row> byPath = new HashMap<>();
        rows.forEach(r -> byPath.put(r.getString(1), r));
        assertThat(byPath).hasSize(PICTURES); // every picture once
        try (MultimodalModel model = MultimodalModel.load(MODEL)) { // what `autoglm embed --image` prints
            String weights = io.openautoglm.search.ModelIdentity.of(MODEL, model).weightsSha256();
            float[][] expected = model.embedImageFiles(pictures, EmbedOptions.defaults());
            double worst = 1;
            for (int i = 0; i < PICTURES; i++) {
                Row r = byPath.get(pictures.get(i).toAbsolutePath().toString());
                assertThat(r).as(pictures.get(i).toString()).isNotNull();
                assertThat(r.getString(0)).isEqualTo(String.format("images/%05d.png", i));
                assertThat(r.getString(2)).isEqualTo(io.openautoglm.core.io.Sha256.of(pictures.get(i)));
                assertThat(r.getString(4)).isEqualTo(weights);
                worst = Math.min(worst, cosine(floats(r.getList(3)), expected[i]));
            }
            assertThat(worst).isGreaterThanOrEqualTo(0.9999);
        }
        List<Row> failures = spark.read().parquet(out.resolve("failures").toString()).select("id", "reason").collectAsList();
        assertThat(failures).extracting(r -> r.getString(0)).containsExactlyInAnyOrder("images/broken.png", "images/missing.png");
        assertThat(failures).extracting(r -> r.getString(1)).anySatisfy(reason -> assertThat(reason).contains("no such file"));

        SparkEmbedJob.Result again = run(request, new StopSignal());
        assertThat(again.embedded()).isZero();
        assertThat(again.unchanged()).isEqualTo(PICTURES);
        assertThat(again.failed()).isEqualTo(2); // tried again, still broken
        assertThat(embeddings(out).count()).isEqualTo(PICTURES);
        assertThat(Files.exists(out.resolve("_tmp"))).isFalse();
    }

    @Test
    void aTaskRetriedAfterItCommittedAddsNoDuplicates() throws Exception {
        Path out = dir.resolve("out-retry");
        Path some = Pictures.manifest(dir.resolve("some.jsonl"), pictures.subList(0, 300));
        AtomicBoolean failed = new AtomicBoolean();
        PartitionEmbedder.afterFirstAttemptCommitted = p -> {
            if (p == 1 && failed.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after the commit");
            }
        };
        SparkEmbedJob.Result r = run(new SparkEmbedJob.Request(MODEL, some, null, out.toString(), 16, 4), new StopSignal());
        assertThat(failed).isTrue(); // the failure happened, and Spark ran partition 1 again
        assertThat(r.embedded()).isEqualTo(300);
        assertThat(embeddings(out).count()).isEqualTo(300);
        assertThat(embeddings(out).select("id").distinct().count()).isEqualTo(300);
    }

    @Test
    void aStoppedRunKeepsWhatItCommittedAndTheSameRunFinishesIt() throws Exception {
        Path out = dir.resolve("out-stop");
        Path some = Pictures.manifest(dir.resolve("stop.jsonl"), pictures.subList(300, 700));
        StopSignal stop = new StopSignal();
        PartitionEmbedder.afterFirstAttemptCommitted = p -> {
            stop.request("SIGTERM", 143);
            sleep(1500); // still running when the job is cancelled
        };
        SparkEmbedJob.Request request = new SparkEmbedJob.Request(MODEL, some, null, out.toString(), 8, 8);
        SparkEmbedJob.Result stopped = run(request, stop);
        assertThat(stopped.stoppedBy()).isEqualTo("SIGTERM");
        long kept = embeddings(out).count();
        assertThat(stopped.partitionsWritten()).isBetween(1, 7);
        assertThat(kept).isGreaterThan(0).isLessThan(400);
        PartitionEmbedder.afterFirstAttemptCommitted = p -> { };

        SparkEmbedJob.Result rest = run(request, new StopSignal());
        assertThat(rest.unchanged()).isEqualTo(kept);
        assertThat(rest.embedded()).isEqualTo(400 - kept);
        assertThat(embeddings(out).select("id").distinct().count()).isEqualTo(400);
        assertThat(embeddings(out).count()).isEqualTo(400);
    }

    @Test
    void readsAParquetTableOfRelativePathsAndURIs() throws Exception {
        StructType schema = new StructType().add("path", DataTypes.StringType);
        List<Row> rows = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            rows.add(RowFactory.create(String.format("images/%05d.png", i))); // relative to the table's folder
        }
        for (int i = 50; i < 60; i++) {
            rows.add(RowFactory.create(pictures.get(i).toUri().toString())); // file:/...
        }
        Path table = dir.resolve("paths.parquet");
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
        Path out = dir.resolve("out-parquet");
        SparkEmbedJob.Result r = run(new SparkEmbedJob.Request(MODEL, null, table.toString(), out.toString(), 32, 2), new StopSignal());
        assertThat(r.total()).isEqualTo(60);
        assertThat(r.embedded()).isEqualTo(60);
        assertThat(r.failed()).isZero();
        assertThat(embeddings(out).where("id = 'images/00003.png'").count()).isEqualTo(1);
    }

    static float[] floats(List<Float> list) {
        float[] v = new float[list.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = list.get(i);
        }
        return v;
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
