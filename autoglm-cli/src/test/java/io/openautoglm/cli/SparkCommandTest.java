package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `autoglm spark`: hands everything after "spark" to the Spark module's jar, and says so clearly when that is not built. */
class SparkCommandTest {
    @TempDir
    Path home;

    @Test
    void withoutTheSparkModuleBuiltItSaysHowToBuildIt() {
        // the tests' working folder is autoglm-cli/, which holds no autoglm-spark/target
        CliRunner r = CliRunner.run("spark", "embed", "--manifest", "m.jsonl", "--out", "o");
        CliRunner.assertOneLineError(r, "the Spark module is not built", "-pl autoglm-spark -am -DskipTests package");
    }

    @Test
    void everyArgumentAfterSparkGoesToTheChildUntouchedHelpIncluded() {
        CommandLine cli = new CommandLine(new AutoglmCli());
        CommandLine.ParseResult parsed = cli.parseArgs("spark", "embed", "--manifest", "m.jsonl", "--help", "--batch-size", "8", "x");
        SparkCommand spark = (SparkCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(spark.args).containsExactly("embed", "--manifest", "m.jsonl", "--help", "--batch-size", "8", "x");
    }

    @Test
    void theChildJvmGetsTheSparkOptionsFromTheJarAndBothLibraryFolders() throws Exception {
        Path jar = home.resolve(SparkCommand.JAR);
        Files.createDirectories(jar.resolveSibling("lib"));
        Files.createDirectories(jar.resolveSibling("spark-lib"));
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file)) {
            out.putNextEntry(new ZipEntry(SparkCommand.JVM_OPTIONS));
            out.write("--add-opens=java.base/java.nio=ALL-UNNAMED -Djdk.reflect.useDirectMethodHandle=false\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        List<String> cmd = SparkCommand.command(home, List.of("embed", "--out", "o"));
        assertThat(cmd.get(0)).endsWith("/bin/java");
        assertThat(cmd).contains("--add-opens=java.base/java.nio=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false", "-cp");
        String classpath = cmd.get(cmd.indexOf("-cp") + 1);
        assertThat(classpath).contains(jar.toString(), jar.resolveSibling("lib") + "/*", jar.resolveSibling("spark-lib") + "/*");
        assertThat(cmd.subList(cmd.size() - 4, cmd.size())).containsExactly(SparkCommand.MAIN, "embed", "--out", "o");
    }
}
