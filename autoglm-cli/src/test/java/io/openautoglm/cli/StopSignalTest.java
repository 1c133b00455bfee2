package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.StopSignal;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.VectorIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long jobs stopped by a signal: a real {@code autoglm train} and {@code autoglm index build} in
 * child JVMs, signalled mid-run, must stop at a safe point (no JVM crash report), keep their
 * work, say how to go on in one line, exit 128 + the signal number, and the same command must
 * finish the job as if it had never stopped.
 */
class StopSignalTest {
    static final int STEPS = 30;

    @TempDir
    Path tmp;

    @Test
    void sigtermMidTrainingCheckpointsAndResumeReachesTheUninterruptedRun() throws Exception {
        Path data = tmp.resolve("sw");
        assertThat(CliRunner.run("data", "shapeworld", "--out", data.toString(), "--count", "60", "--size", "32", "--seed", "4")
                .exitCode()).isZero();
        Path whole = tmp.resolve("whole");
        CliRunner uninterrupted = CliRunner.run(train(data, whole).toArray(String[]::new));
        assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

        Path split = tmp.resolve("split");
        Path err = tmp.resolve("child-err.txt");
        Process child = childJvm(train(data, split), err);
        try {
            awaitLossLine(child, split.resolve("metrics.jsonl"));
            child.destroy(); // SIGTERM
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child stopped").isTrue();
        } finally {
            child.destroyForcibly();
        }
        String printed = Files.readString(err);
        assertThat(child.exitValue()).as(printed).isEqualTo(143);
        Matcher stopped = Pattern.compile("autoglm: stopped at step (\\d+) by SIGTERM; checkpoint in .*; resume with: autoglm train .*"
                + "--resume").matcher(printed);
        assertThat(stopped.find()).as(printed).isTrue();
        int step = Integer.parseInt(stopped.group(1));
        assertThat(step).as("stopped mid-run").isBetween(1, STEPS - 1);
        assertThat(split.resolve(String.format("checkpoints/step-%08d/optimizer.safetensors", step))).isRegularFile();
        assertThat(split.resolve("model")).as("no final model yet").doesNotExist();
        assertNoCrashReport();

        List<String> again = new ArrayList<>(train(data, split));
        again.add("--resume");
        CliRunner resumed = CliRunner.run(again.toArray(String[]::new));
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("trained " + STEPS + " steps");
        assertThat(lossCurve(split)).hasSize(STEPS).containsExactlyElementsOf(lossCurve(whole));
    }

    @Test
    void sigintMidIndexBuildCommitsAndTheSameCommandCompletesIt() throws Exception {
        Path data = tmp.resolve("data");
        assertThat(CliRunner.run("data", "shapeworld", "--out", data.toString(), "--count", "40", "--seed", "9").exitCode()).isZero();
        Path pics = tmp.resolve("pics");
        List<Path> pngs;
        try (Stream<Path> s = Files.list(data.resolve("images"))) {
            pngs = s.sorted().toList();
        }
        int copies = 12;
        for (int c = 0; c < copies; c++) {
            Path dir = Files.createDirectories(pics.resolve("copy" + c));
            for (Path p : pngs) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        int total = pngs.size() * copies;
        Path index = tmp.resolve("index");
        List<String> build = List.of("index", "build", "--index", index.toString(), "--images", pics.toString(),
                "--model", IndexAndSearchCommandTest.MODEL, "--batch-size", "16", "--commit-every", "16", "--verbose");
        Path err = tmp.resolve("child-err.txt");
        // A shell without job control starts background commands with SIGINT ignored, the child inherits that and
        // the JVM then rightly leaves SIGINT alone (CI runners do this); there the same stop is asked with SIGTERM.
        String signal = sigintIgnored() ? "SIGTERM" : "SIGINT";
        Process child = childJvm(build, err);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!Files.readString(err).contains("committed ") && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(child.isAlive()).as("the build was still running at its first commit").isTrue();
            assertThat(new ProcessBuilder("kill", "-" + signal.substring(3), Long.toString(child.pid())).start().waitFor()).isZero();
            assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child stopped").isTrue();
        } finally {
            child.destroyForcibly();
        }
        String printed = Files.readString(err);
        assertThat(child.exitValue()).as(printed).isEqualTo(signal.equals("SIGINT") ? 130 : 143);
        Matcher stopped = Pattern.compile("autoglm: stopped by " + signal + " after (\\d+) of " + total
                + " pictures; the index holds (\\d+), committed; the same command resumes").matcher(printed);
        assertThat(stopped.find()).as(printed).isTrue();
        int held = Integer.parseInt(stopped.group(2));
        assertThat(held).isBetween(16, total - 1);
        assertNoCrashReport();
        try (VectorIndex opened = IndexDirectory.read(index).open(false)) {
            assertThat(opened.count()).as("what the line says is committed").isEqualTo(held);
        }

        CliRunner again = CliRunner.run(Stream.concat(build.stream().filter(a -> !a.equals("--verbose")),
                Stream.of("--format", "json")).toArray(String[]::new));
        assertThat(again.exitCode()).as(again.err()).isZero();
        JsonNode report = Json.MAPPER.readTree(again.out());
        assertThat(report.get("unchanged").asInt()).isEqualTo(held);
        assertThat(report.get("added").asInt()).isEqualTo(total - held);
        assertThat(report.get("count").asInt()).isEqualTo(total);
    }

    /** What the signal handler does, asked for by hand: an evaluation ends between batches with one line. */
    @Test
    void aStopRequestEndsAnEvaluationBetweenBatchesWithOneLine() throws Exception {
        Path manifest = EvalCommandTest.manifest(tmp);
        StopSignal.process().request("SIGTERM", 143);
        CliRunner r;
        try {
            r = CliRunner.run("eval", "retrieval", "--model", CliFixture.HF.toString(), "--manifest", manifest.toString());
        } finally {
            StopSignal.job().close(); // closing the last open job lowers the flag, whatever happened above
        }
        assertThat(r.exitCode()).as(r.err()).isEqualTo(143);
        assertThat(r.errLines()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("autoglm: stopped by SIGTERM between batches; nothing was written");
        assertThat(r.out()).isEmpty();
        assertThat(StopSignal.process().requested()).as("the flag is down once the job is over").isFalse();

        CliRunner after = CliRunner.run("eval", "retrieval", "--model", CliFixture.HF.toString(), "--manifest", manifest.toString());
        assertThat(after.exitCode()).as(after.err()).isZero();
    }

    private static List<String> train(Path data, Path out) {
        return List.of("train", "--train", data.resolve("train.jsonl").toString(), "--out", out.toString(), "--steps", "" + STEPS,
                "--batch-size", "16", "--set", "model.image_size=32", "--set", "model.context_length=24", "--set",
                "data.loader_threads=1", "--set", "run.log_every=1");
    }

    /** Waits until the run has logged a step's loss (the training loop is under way). */
    private static void awaitLossLine(Process child, Path metrics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && child.isAlive()) {
            if (Files.exists(metrics) && Files.readString(metrics).contains("\"loss\"")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the child logged no step (alive: " + child.isAlive() + ")");
    }

    private void assertNoCrashReport() throws Exception {
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("hs_err"));
        }
    }

    static List<Double> lossCurve(Path out) throws Exception {
        List<Double> losses = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("metrics.jsonl"))) {
            JsonNode n = Json.MAPPER.readTree(line);
            if (n.has("loss")) {
                losses.add(n.get("loss").asDouble());
            }
        }
        return losses;
    }

    /** The CLI in a child JVM with this test's class path, working in the temporary folder (where a crash report would land). */
    /** Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status); children inherit it. */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0;
            }
        }
        return false;
    }

    private Process childJvm(List<String> args, Path err) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx1g", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), AutoglmCli.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).directory(tmp.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
    }
}
