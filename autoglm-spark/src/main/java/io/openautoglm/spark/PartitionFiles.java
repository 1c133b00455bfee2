package io.openautoglm.spark;

import java.io.IOException;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * One task attempt's output: its embeddings and failures, written under the run's temporary
 * folder and renamed into the tables at the end. The final names depend only on the run and the
 * partition ({@code part-RUN-00007.parquet}), so a retried or speculative attempt of the same
 * partition lands on the same name: Spark may run a partition twice, the tables hold it once.
 */
final class PartitionFiles implements AutoCloseable {
    /** The embeddings table: Spark reads {@code vector} as {@code array<float>} (Parquet's standard 3-level list). */
    static final MessageType EMBEDDING = MessageTypeParser.parseMessageType("""
            message embedding {
              required binary id (STRING);
              required binary path (STRING);
              required binary sha256 (STRING);
              required group vector (LIST) { repeated group list { required float element; } }
              required binary model_sha256 (STRING);
              required binary run (STRING);
            }""");

    static final MessageType FAILURE = MessageTypeParser.parseMessageType("""
            message failure {
              required binary id (STRING);
              required binary path (STRING);
              required binary reason (STRING);
              required binary run (STRING);
            }""");

    private final OutputFolder out;
    private final Configuration conf;
    private final String run;
    private final int partition;
    private final int attempt;
    private final String modelSha256;
    private final SimpleGroupFactory embeddingRows = new SimpleGroupFactory(EMBEDDING);
    private final SimpleGroupFactory failureRows = new SimpleGroupFactory(FAILURE);
    private ParquetWriter<Group> embeddings; // opened at the first row: a partition with nothing new writes nothing
    private ParquetWriter<Group> failures;
    private boolean closed;

    PartitionFiles(OutputFolder out, Configuration conf, String run, int partition, int attempt, String modelSha256) {
        this.out = out;
        this.conf = conf;
        this.run = run;
        this.partition = partition;
        this.attempt = attempt;
        this.modelSha256 = modelSha256;
    }

    void embedding(String id, String path, String sha256, float[] vector) throws IOException {
        if (embeddings == null) {
            embeddings = open(temporary(OutputFolder.EMBEDDINGS), EMBEDDING);
        }
        Group row = embeddingRows.newGroup().append("id", id).append("path", path).append("sha256", sha256);
        Group list = row.addGroup("vector");
        for (float v : vector) {
            list.addGroup("list").append("element", v);
        }
        embeddings.write(row.append("model_sha256", modelSha256).append("run", run));
    }

    void failure(String id, String path, String reason) throws IOException {
        if (failures == null) {
            failures = open(temporary(OutputFolder.FAILURES), FAILURE);
        }
        failures.write(failureRows.newGroup().append("id", id).append("path", path).append("reason", reason).append("run", run));
    }

    /** Closes the files and renames them into the tables: the partition's output appears whole or not at all. */
    void commit() throws IOException {
        close();
        FileSystem fs = out.root().getFileSystem(conf);
        if (embeddings != null) {
            moveIntoPlace(fs, temporary(OutputFolder.EMBEDDINGS), new Path(out.embeddings(), finalName()));
        }
        if (failures != null) {
            moveIntoPlace(fs, temporary(OutputFolder.FAILURES), new Path(out.failures(), finalName()));
        }
    }

    /** The committed name of this partition's files in either table. */
    String finalName() {
        return String.format(Locale.ROOT, "part-%s-%05d.parquet", run, partition);
    }

    private Path temporary(String table) {
        return new Path(out.temporary(run), String.format(Locale.ROOT, "%s-%05d-attempt-%d.parquet", table, partition, attempt));
    }

    /**
     * An earlier attempt of this partition may have committed already (and then failed, or lost a
     * speculative race): its file holds the same rows, so either copy is the partition's output.
     */
    private static void moveIntoPlace(FileSystem fs, Path from, Path to) throws IOException {
        if (fs.rename(from, to)) {
            return;
        }
        if (fs.exists(to)) { // file systems that refuse to replace (HDFS): the committed copy stays
            fs.delete(from, false);
            return;
        }
        throw new IOException("cannot rename " + from + " to " + to);
    }

    private ParquetWriter<Group> open(Path file, MessageType schema) throws IOException {
        return ExampleParquetWriter.builder(HadoopOutputFile.fromPath(file, conf))
                .withConf(conf)
                .withType(schema)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (embeddings != null) {
                embeddings.close();
            }
        } finally {
            if (failures != null) {
                failures.close();
            }
        }
    }
}
