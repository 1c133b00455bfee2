package io.openautoglm.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Embed a collection of pictures on Spark and write the vectors as Parquet.",
            "Reads a JSONL manifest (as index build does: paths relative to it) or a Parquet table with a \"path\" (or"
                + " \"image\") column of paths or URIs (hdfs://, s3a://, file:; relative ones relative to the table's folder)"
                + " and an optional \"id\" column. Each executor loads the model once; its tasks embed their partition in"
                + " batches and commit one file per partition and run to OUT/embeddings (id, path, sha256, vector,"
                + " model_sha256, run), so a retried task adds no duplicates.",
            "Pictures that cannot be read or decoded are skipped and listed in OUT/failures. Running the same command again"
                + " embeds only pictures the output does not hold yet (by SHA-256 for their id), so a stopped or failed run"
                + " is resumed by running it again. OUT keeps the model that filled it (OUT/_autoglm_spark.json) and refuses"
                + " another.",
            "SIGTERM or Ctrl-C cancels the Spark job between batches: partitions already written are kept.",
            "Example: autoglm spark embed --manifest pics/train.jsonl --out runs/pics-vectors --master local[4]"})
final class SparkEmbedCommand implements Callable<Integer> {
    static final String BUNDLED_MODEL = "models/autoglm-shapes-tiny";
    private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(?:,\\d+)?]|local");

    @Option(names = {"-m", "--model"}, paramLabel = "DIR",
            description = "Model folder, the same path on every executor (shared storage, or --archives; docs/spark.md)"
                    + " (default: the bundled model, ${AUTOGLM_HOME}/" + BUNDLED_MODEL + ").")
    Path model;

    static final class Input {
        @Option(names = "--manifest", paramLabel = "FILE", description = "A JSONL manifest of pictures (read by the driver).")
        Path manifest;

        @Option(names = "--parquet", paramLabel = "TABLE", description = "A Parquet table (file or folder, any Hadoop file system) of picture paths.")
        String parquet;
    }

    @ArgGroup(multiplicity = "1")
    Input input;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Output folder (a path or a Hadoop URI): new, empty, or one an earlier run with this model filled.")
    String out;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: what spark-submit set, else local[*]: every core of this machine).")
    String master;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "32", description = "Pictures per model batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--partitions", paramLabel = "P", defaultValue = "0",
            description = "Tasks to split the pictures into (default: " + SparkEmbedJob.PICTURES_PER_PARTITION
                    + " pictures each, at least two per core).")
    int partitions;

    @Option(names = "--format", paramLabel = "FMT", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
    String format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!format.equals("text") && !format.equals("json")) {
            throw new UserInputException("--format must be text or json, got " + format);
        }
        String sparkMaster = master != null ? master : System.getProperty("spark.master", "local[*]");
        configureTorchThreads(sparkMaster);
        PrintWriter err = spec.commandLine().getErr();
        SparkEmbedJob.Request request = new SparkEmbedJob.Request(modelDir(), input.manifest, input.parquet, out, batchSize, partitions);
        SparkEmbedJob.Result result;
        try (SparkEmbedJob.Prepared job = SparkEmbedJob.prepare(request)) { // every check before Spark starts
            SparkSession spark = SparkSession.builder().appName("autoglm spark embed").master(sparkMaster)
                    .config("spark.ui.enabled", System.getProperty("spark.ui.enabled", "false"))
                    .config("spark.ui.showConsoleProgress", System.getProperty("spark.ui.showConsoleProgress", "true")) // stages and tasks done, on stderr
                    .getOrCreate();
            try {
                result = SparkEmbedJob.run(spark, job, StopSignal.process());
            } finally {
                spark.stop(); // before the model closes: no task may be in a forward then
            }
        }
        if (result.stoppedBy() != null) {
            err.printf(Locale.ROOT, "autoglm: stopped by %s: %d of %d partitions of this run were written and are kept in %s;"
                    + " run the same command again to embed the rest (pictures already embedded are skipped)%n",
                    result.stoppedBy(), result.partitionsWritten(), result.partitions(), out);
            err.flush();
            return StopSignal.process().exitCode();
        }
        print(result);
        return 0;
    }

    private Path modelDir() {
        if (model != null) {
            return model;
        }
        Path bundled = Path.of(System.getenv().getOrDefault("AUTOGLM_HOME", ".")).resolve(BUNDLED_MODEL);
        if (!Files.isDirectory(bundled)) {
            throw new UserInputException("no --model given and the bundled model is not at " + bundled + ": pass --model DIR (a model folder)");
        }
        return bundled;
    }

    /**
     * In local[N] the N tasks share this JVM's cores, each in its own forward: one libtorch
     * thread pool as wide as the machine per task would oversubscribe it. Unless set already.
     */
    static void configureTorchThreads(String master) {
        Matcher m = LOCAL.matcher(master);
        if (System.getProperty("ai.djl.pytorch.num_threads") != null || !m.matches()) {
            return;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int tasks = m.group(1) == null ? 1 : m.group(1).equals("*") ? cores : Integer.parseInt(m.group(1));
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(Math.max(1, cores / Math.max(1, tasks))));
    }

    private void print(SparkEmbedJob.Result r) {
        PrintWriter o = spec.commandLine().getOut();
        if (format.equals("json")) {
            ObjectMapper json = new ObjectMapper();
            ObjectNode root = json.createObjectNode();
            root.put("out", r.out());
            root.put("run", r.run());
            root.put("total", r.total());
            root.put("embedded", r.embedded());
            root.put("unchanged", r.unchanged());
            root.put("failed", r.failed());
            root.put("partitions", r.partitions());
            root.put("seconds", r.seconds());
            root.put("embedded_per_second", r.embedded() / Math.max(r.seconds(), 1e-9));
            var failures = root.putArray("failures");
            r.someFailures().forEach(f -> failures.addObject().put("id", f.id()).put("path", f.path()).put("reason", f.reason()));
            o.println(root.toString());
        } else {
            o.printf(Locale.ROOT, "%s: %d pictures: %d embedded, %d unchanged, %d failed; %d partitions; %.1f s (%.1f embedded/s)%n",
                    out, r.total(), r.embedded(), r.unchanged(), r.failed(), r.partitions(), r.seconds(),
                    r.embedded() / Math.max(r.seconds(), 1e-9));
            if (r.failed() > 0) {
                o.println("  not embedded (all of them in " + out + "/" + OutputFolder.FAILURES + "; fix them and run the same command again):");
                r.someFailures().forEach(f -> o.println("    " + f.path() + ": " + f.reason()));
            }
        }
        o.flush();
    }
}
