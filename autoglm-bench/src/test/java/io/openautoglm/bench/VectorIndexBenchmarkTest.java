package io.openautoglm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openautoglm.core.UserInputException;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.VectorIndex;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index benchmark on small data: real Lucene indexes on disk, the ground-truth file, --reuse of
 * a finished index (no rebuild) and of one whose build was killed (continued from its last commit).
 */
class VectorIndexBenchmarkTest {
    private static final Pattern RECALL = Pattern.compile("candidates=(\\d+)\\s+threads=1\\s+recall@10 (\\d\\.\\d{3})");

    @TempDir
    Path tmp;

    private record Run(String out, String err) {}

    private Run run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        VectorIndexBenchmark.run(VectorIndexBenchmark.Options.parse(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String[] small(int n, String... more) {
        List<String> args = new ArrayList<>(List.of("--n", Integer.toString(n), "--dim", "16", "--data", "clustered", "--queries", "20",
                "--candidates", "10,50", "--quantization", "none", "--m", "8", "--beam", "40", "--commit-every", "500",
                "--dir", tmp.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static List<String> recalls(String out) {
        List<String> found = new ArrayList<>();
        Matcher m = RECALL.matcher(out);
        while (m.find()) {
            found.add(m.group(1) + ":" + m.group(2));
        }
        return found;
    }

    @Test
    void reuseMeasuresTheSameIndexAgainWithoutRebuildingOrRescanning() throws Exception {
        Run first = run(small(2000, "--reuse"));
        assertThat(first.out()).contains("HNSW M=8 beam=40").contains("exact scan        threads=1").contains("hnsw none  build");
        assertThat(first.out()).doesNotContain("[reused");
        List<String> recalls = recalls(first.out());
        assertThat(recalls).hasSize(2);
        // At 50 candidates of 2,000 clustered vectors the graph finds (nearly) all true neighbours.
        assertThat(Double.parseDouble(recalls.get(1).split(":")[1])).isGreaterThan(0.9);

        Path index = tmp.resolve("clustered-2000-none-m8-beam40");
        assertThat(IndexDirectory.read(index).settings().maxConn()).isEqualTo(8);
        assertThat(IndexDirectory.read(index).settings().beamWidth()).isEqualTo(40);
        Path truth = tmp.resolve("truth-clustered-2000-16-seed42-q20-k10.json");
        assertThat(truth).isRegularFile();
        assertThat(Files.readString(tmp.resolve("clustered-2000-none-m8-beam40.build.json"))).contains("\"built\" : 2000")
                .containsPattern("\"cpu_seconds\" : [0-9.]+");
        assertThat(first.out()).containsPattern("hnsw none  build [0-9.]+ s \\([0-9]+ vectors/s; [0-9]+ CPU s\\)");
        List<String> filesBefore;
        try (var s = Files.list(index.resolve("lucene"))) {
            filesBefore = s.map(p -> p.getFileName().toString()).sorted().toList();
        }

        Run again = run(small(2000, "--reuse"));
        assertThat(again.out()).contains("[reused").contains("from " + truth.getFileName());
        assertThat(again.err()).contains("reusing").doesNotContain("building").doesNotContain("exact index: generating");
        assertThat(recalls(again.out())).as("the same index and queries give the same recall").isEqualTo(recalls);
        try (var s = Files.list(index.resolve("lucene"))) {
            assertThat(s.map(p -> p.getFileName().toString()).sorted().toList()).isEqualTo(filesBefore);
        }

        Run rebuilt = run(small(2000));
        assertThat(rebuilt.err()).contains("building").contains("ground truth and exact-scan timings from");
        assertThat(rebuilt.out()).doesNotContain("[reused");
    }

    @Test
    void aKilledBuildIsContinuedFromItsLastCommit() throws Exception {
        int n = 30_000;
        Process child = childJvm(List.of(small(n, "--reuse", "--progress-seconds", "600")));
        int committed = -1;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(900);
            for (String line; System.nanoTime() < deadline && (line = err.readLine()) != null; ) {
                if (line.contains(": committed ")) {
                    committed = Integer.parseInt(line.replaceAll(".*committed ([0-9,]+)/.*", "$1").replace(",", ""));
                    child.destroyForcibly(); // SIGKILL
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(committed).as("the child committed before it was killed").isPositive();
        Path index = tmp.resolve("clustered-" + n + "-none-m8-beam40");
        int survived;
        try (VectorIndex opened = IndexDirectory.read(index).open(false)) {
            survived = opened.count();
        }
        assertThat(survived).isGreaterThanOrEqualTo(committed).isLessThan(n);

        Run resumed = run(small(n, "--reuse"));
        assertThat(resumed.err()).contains(String.format(java.util.Locale.ROOT, "continuing %s from its last commit, %,d of %,d", index, survived, n));
        assertThat(resumed.out()).contains("; 2 sessions");
        try (VectorIndex opened = IndexDirectory.read(index).open(false)) {
            assertThat(opened.count()).isEqualTo(n);
            assertThat(opened.get("0")).isPresent();
            assertThat(opened.get(Integer.toString(n - 1))).isPresent();
        }
        assertThat(recalls(resumed.out())).hasSize(2);
    }

    @Test
    void aGroundTruthFileForOtherSettingsIsRefused() throws Exception {
        run(small(1000));
        Path truth = tmp.resolve("truth-clustered-1000-16-seed42-q20-k10.json");
        assertThatThrownBy(() -> run(small(1000, "--queries", "21", "--truth", truth.toString())))
                .isInstanceOf(UserInputException.class).hasMessageContaining("--fresh-truth");
        assertThatThrownBy(() -> VectorIndexBenchmark.Options.parse(new String[] {"--bogus", "1"}))
                .isInstanceOf(UserInputException.class).hasMessageContaining("unknown option --bogus");
    }

    private static Process childJvm(List<String> args) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                VectorIndexBenchmark.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
