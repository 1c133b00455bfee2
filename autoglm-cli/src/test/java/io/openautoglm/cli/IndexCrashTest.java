package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.VectorIndex;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code autoglm index build} in a child JVM, killed with SIGKILL right after its first
 * commit: the index must open, hold exactly the committed pictures, and the same command run again
 * must complete it without re-embedding what was committed.
 */
class IndexCrashTest {
    static final int COPIES = 8; // 40 pictures x 8 = 320 to index: seconds of work after the first commit

    @TempDir
    Path tmp;

    @Test
    void killedBuildLeavesACommittedIndexThatTheSameCommandCompletes() throws Exception {
        Path data = tmp.resolve("data");
        assertThat(CliRunner.run("data", "shapeworld", "--out", data.toString(), "--count", "40", "--seed", "9").exitCode()).isZero();
        Path pics = tmp.resolve("pics");
        List<Path> pngs;
        try (Stream<Path> s = Files.list(data.resolve("images"))) {
            pngs = s.sorted().toList();
        }
        for (int c = 0; c < COPIES; c++) {
            Path dir = Files.createDirectories(pics.resolve("copy" + c));
            for (Path p : pngs) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        int total = pngs.size() * COPIES;
        Path index = tmp.resolve("index");
        List<String> build = List.of("index", "build", "--index", index.toString(), "--images", pics.toString(),
                "--model", IndexAndSearchCommandTest.MODEL, "--batch-size", "16", "--commit-every", "16", "--verbose");

        Process child = childJvm(build);
        int committedBeforeKill = -1;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (String line; System.nanoTime() < deadline && (line = err.readLine()) != null; ) {
                if (line.startsWith("committed ")) {
                    committedBeforeKill = Integer.parseInt(line.substring("committed ".length(), line.indexOf('/')));
                    child.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(committedBeforeKill).as("the child reported a commit before it was killed").isPositive();
        assertThat(child.exitValue()).as("killed, not finished").isEqualTo(137);

        int survived;
        try (VectorIndex opened = IndexDirectory.read(index).open(false)) {
            survived = opened.count();
            Map<String, String> hashes = opened.contentHashes();
            assertThat(hashes.values()).allSatisfy(h -> assertThat(h).hasSize(64));
        }
        assertThat(survived).as("everything committed before the kill is there").isGreaterThanOrEqualTo(committedBeforeKill);
        assertThat(survived).as("the kill came mid-build").isLessThan(total);

        CliRunner again = CliRunner.run(Stream.concat(build.stream().filter(a -> !a.equals("--verbose")),
                Stream.of("--format", "json")).toArray(String[]::new));
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.err()).as("a resumed build says why its start goes fast")
                .contains("the index already holds " + survived + " items");
        JsonNode report = Json.MAPPER.readTree(again.out());
        assertThat(report.get("unchanged").asInt()).isEqualTo(survived);
        assertThat(report.get("added").asInt()).isEqualTo(total - survived);
        assertThat(report.get("count").asInt()).isEqualTo(total);
        assertThat(report.get("failed")).isEmpty();
    }

    /** This test JVM's java and class path (surefire's manifest jar carries the full class path). */
    private static Process childJvm(List<String> args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new java.util.ArrayList<>(List.of(java.toString(), "-Xmx1g", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), AutoglmCli.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
