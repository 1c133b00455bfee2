package io.openautoglm.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.UserInputException;
import io.openautoglm.search.ModelIdentity;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The output of {@code autoglm spark embed}, on any Hadoop file system (a local folder, HDFS, ...):
 *
 * <pre>
 * OUT/_autoglm_spark.json          the model whose vectors these are (weights SHA-256, dimension); written once
 * OUT/embeddings/part-RUN-NNNNN.parquet   id, path, sha256, vector, model_sha256, run: one file per partition and run
 * OUT/failures/part-RUN-NNNNN.parquet     id, path, reason, run: pictures that could not be read or decoded
 * OUT/_tmp/RUN/                    task attempts' files before they are renamed into place (removed after the run)
 * </pre>
 *
 * Spark's readers skip names starting with {@code _} or {@code .}, so {@code spark.read.parquet("OUT/embeddings")}
 * sees committed files only.
 */
final class OutputFolder {
    static final String MODEL_FILE = "_autoglm_spark.json";
    static final String EMBEDDINGS = "embeddings";
    static final String FAILURES = "failures";
    static final String TEMPORARY = "_tmp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final FileSystem fs;

    private OutputFolder(Path root, FileSystem fs) {
        this.root = root;
        this.fs = fs;
    }

    /** The folder at {@code location} (a path or a URI), not touched yet. */
    static OutputFolder at(String location, Configuration conf) {
        try {
            Path root = new Path(location);
            FileSystem fs = root.getFileSystem(conf);
            return new OutputFolder(fs.makeQualified(root), fs);
        } catch (IOException | IllegalArgumentException e) {
            throw new UserInputException("cannot open the output folder " + location + ": " + e.getMessage(), e);
        }
    }

    Path root() {
        return root;
    }

    Path embeddings() {
        return new Path(root, EMBEDDINGS);
    }

    Path failures() {
        return new Path(root, FAILURES);
    }

    Path temporary(String run) {
        return new Path(new Path(root, TEMPORARY), run);
    }

    /**
     * Checks that this folder may take vectors of {@code model}: new, empty, or filled earlier
     * with the same model. Writes nothing.
     *
     * @return whether the folder already holds output of this model
     */
    boolean check(ModelIdentity model) {
        try {
            if (!fs.exists(root)) {
                return false;
            }
            if (!fs.getFileStatus(root).isDirectory()) {
                throw new UserInputException("output " + root + " is a file; --out must be a folder (new, or one an earlier run filled)");
            }
            Path record = new Path(root, MODEL_FILE);
            if (!fs.exists(record)) {
                if (fs.listStatus(root).length > 0) {
                    throw new UserInputException("output folder " + root + " is not empty and holds no " + MODEL_FILE
                            + ", so it is not the output of autoglm spark embed: choose a new or empty folder");
                }
                return false;
            }
            ModelIdentity recorded;
            try (InputStream in = fs.open(record)) {
                recorded = ModelIdentity.fromJson(JSON.readTree(in).path("model"));
            } catch (IOException | IllegalArgumentException e) {
                throw new UserInputException("output folder " + root + " has an unreadable " + MODEL_FILE + " (" + e.getMessage()
                        + "): choose a new folder", e);
            }
            recorded.requireSameModel(model, "output folder " + root,
                    "choose another --out for this model, or pass the model that filled it");
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output folder " + root, e);
        }
    }

    /** Records the model once (temporary name, then renamed) and makes the table folders. */
    void prepare(ModelIdentity model) throws IOException {
        fs.mkdirs(embeddings());
        fs.mkdirs(failures());
        Path record = new Path(root, MODEL_FILE);
        if (fs.exists(record)) {
            return;
        }
        Path tmp = new Path(root, "." + MODEL_FILE + ".tmp");
        var body = JSON.createObjectNode();
        body.put("format", "autoglm-spark-embeddings");
        body.put("version", 1);
        body.set("model", model.toJson());
        try (OutputStream out = fs.create(tmp, true)) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body));
        }
        if (!fs.rename(tmp, record)) {
            throw new IOException("cannot rename " + tmp + " to " + record);
        }
    }

    /** The committed Parquet files of a table folder (none when it does not exist yet). */
    List<Path> parquetFiles(Path table) throws IOException {
        List<Path> files = new ArrayList<>();
        FileStatus[] listing;
        try {
            listing = fs.listStatus(table);
        } catch (FileNotFoundException e) {
            return files;
        }
        for (FileStatus f : listing) {
            String name = f.getPath().getName();
            if (f.isFile() && name.endsWith(".parquet") && !name.startsWith("_") && !name.startsWith(".")) {
                files.add(f.getPath());
            }
        }
        return files;
    }

    /** Removes a run's temporary folder (attempts that failed, or were beaten to the commit, leave files there). */
    void removeTemporary(String run) throws IOException {
        fs.delete(temporary(run), true);
        Path parent = new Path(root, TEMPORARY);
        FileStatus[] left = fs.exists(parent) ? fs.listStatus(parent) : new FileStatus[0];
        if (left.length == 0) {
            fs.delete(parent, true);
        }
    }
}
