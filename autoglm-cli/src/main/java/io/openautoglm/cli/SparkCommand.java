package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code autoglm spark ...}: runs the autoglm-spark module's own jar in a child JVM with Spark on
 * its classpath. Spark and its Hadoop and Scala jars (about 200 MB) stay out of this CLI's jar and
 * classpath: only a user who runs a Spark job builds that module (the launcher does it on the
 * first {@code autoglm spark}). SIGTERM is passed on to the child, which cancels its Spark job
 * between batches; SIGINT from a terminal reaches the child by itself.
 */
@Command(name = "spark",
        description = {"Batch jobs on Apache Spark: autoglm spark embed (see autoglm spark embed --help, docs/spark.md).",
            "Runs the autoglm-spark module's jar (autoglm-spark/target) in a JVM of its own; ./autoglm builds it on first use."})
final class SparkCommand implements Callable<Integer> {
    static final String JAR = "autoglm-spark/target/autoglm-spark-" + MultimodalModel.VERSION + ".jar";
    static final String MAIN = "io.openautoglm.spark.SparkCli";
    static final String JVM_OPTIONS = "io/openautoglm/spark/jvm-options.txt";

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Path home = Path.of(System.getenv().getOrDefault("AUTOGLM_HOME", ".")).toAbsolutePath().normalize();
        Process child = new ProcessBuilder(command(home, args)).inheritIO().start();
        try (StopSignal.Job job = StopSignal.job()) {
            StopSignal stop = StopSignal.process();
            boolean passedOn = false;
            while (!child.waitFor(100, TimeUnit.MILLISECONDS)) {
                if (stop.requested() && !passedOn && !"SIGINT".equals(stop.reason())) {
                    child.destroy(); // SIGTERM: the job stops between batches and says how to resume
                    passedOn = true;
                }
            }
            return child.exitValue();
        }
    }

    /** The child's command line, or one clear line when the Spark module is not built under {@code home}. */
    static List<String> command(Path home, List<String> args) throws IOException {
        Path jar = home.resolve(JAR);
        Path lib = jar.resolveSibling("lib");
        Path sparkLib = jar.resolveSibling("spark-lib");
        if (!Files.isRegularFile(jar) || !Files.isDirectory(lib) || !Files.isDirectory(sparkLib)) {
            throw new UserInputException("the Spark module is not built (no " + jar + " with lib/ and spark-lib/ beside it): run ./autoglm spark"
                    + " (it builds it), or in " + home + " ./mvnw -B -ntp -pl autoglm-spark -am -DskipTests package (downloads Spark, about 200 MB, once)");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions(jar));
        String extra = System.getenv("AUTOGLM_SPARK_JAVA_OPTS"); // e.g. -Xmx16g
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(Arrays.asList(extra.trim().split("\\s+")));
        }
        cmd.add("-Dai.djl.offline=" + System.getProperty("ai.djl.offline", "true"));
        cmd.add("-cp");
        cmd.add(jar + java.io.File.pathSeparator + lib.resolve("*") + java.io.File.pathSeparator + sparkLib.resolve("*"));
        cmd.add(MAIN);
        cmd.addAll(args);
        return cmd;
    }

    /** The --add-opens lines Spark needs on Java 17, as the Spark module's build wrote them into its jar. */
    private static List<String> jvmOptions(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            ZipEntry entry = file.getEntry(JVM_OPTIONS);
            if (entry == null) {
                throw new UserInputException(jar + " has no " + JVM_OPTIONS + ": rebuild it (./mvnw -B -ntp -pl autoglm-spark -am -DskipTests package)");
            }
            try (InputStream in = file.getInputStream(entry)) {
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
                return text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+"));
            }
        }
    }
}
