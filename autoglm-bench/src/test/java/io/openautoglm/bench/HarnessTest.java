package io.openautoglm.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmarks' shared harness: options, the repetition protocol, process figures, result files. */
class HarnessTest {
    @TempDir
    Path tmp;

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Repetitions.median(new double[] {1, 2, 9})).isEqualTo(2);
        assertThat(Repetitions.median(new double[] {1, 2, 3, 10})).isEqualTo(2.5);
        assertThat(Repetitions.median(new double[] {7})).isEqualTo(7);
        Repetitions.Rates rates = new Repetitions.Rates(new double[] {30, 10, 20, 40}); // any order in, ascending kept
        assertThat(rates.median()).isEqualTo(25);
        assertThat(rates.min()).isEqualTo(10);
        assertThat(rates.max()).isEqualTo(40);
        assertThat(rates.spread()).isEqualTo(30 / 25.0);
        assertThatThrownBy(() -> Repetitions.median(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void warmUpCallsAreUntimedAndSlowPointsStopAtThreeRepetitions() {
        List<Boolean> calls = new ArrayList<>();
        Repetitions.Rates rates = new Repetitions(2, 4, 0, 60).measure(8, calls::add);
        assertThat(calls).containsExactly(false, false, true, true, true, true); // a repetition of >= 0 s is one call
        assertThat(rates.count()).isEqualTo(4);
        assertThat(rates.min()).isPositive();

        calls.clear();
        Repetitions bounded = new Repetitions(0, 10, 0, 0); // every point is over its time: three repetitions, not ten
        assertThat(bounded.measure(1, calls::add).count()).isEqualTo(3);
        assertThat(calls).hasSize(3);
    }

    @Test
    void optionsParseAndEachMistakeIsOneClearMessage() {
        Set<String> options = BenchArgs.union(Repetitions.OPTIONS, Set.of("--batches", "--json"));
        BenchArgs a = BenchArgs.parse(new String[] {"--batches", "1, 8,32", "--reps", "3", "--reps", "7", "--reuse"}, options,
                Set.of("--reuse"));
        assertThat(a.integers("--batches", List.of())).containsExactly(1, 8, 32);
        assertThat(a.integer("--reps", 5)).isEqualTo(7); // the last one wins: a script's defaults come first
        assertThat(a.flag("--reuse")).isTrue();
        assertThat(a.path("--json", null)).isNull();
        assertThat(Repetitions.from(a, new Repetitions(2, 5, 0.5, 30))).isEqualTo(new Repetitions(2, 7, 0.5, 30));

        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--bogus", "1"}, options, Set.of()))
                .isInstanceOf(UserInputException.class).hasMessage("unknown option --bogus");
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--json"}, options, Set.of()))
                .isInstanceOf(UserInputException.class).hasMessage("option --json needs a value");
        BenchArgs malformed = BenchArgs.parse(new String[] {"--reps", "five", "--batches", "1,x"}, options, Set.of());
        assertThatThrownBy(() -> malformed.integer("--reps", 5)).hasMessage("--reps takes a whole number, got 'five'");
        assertThatThrownBy(() -> malformed.integers("--batches", List.of()))
                .hasMessage("--batches takes whole numbers separated by commas, got '1,x'");
        assertThatThrownBy(() -> new Repetitions(2, 0, 0.5, 30)).hasMessage("--reps must be at least 1, got 0");
    }

    @Test
    void aBenchmarkGivenABadOptionPrintsOneLineAndExitsWith2() throws Exception {
        Run bad = java(EmbeddingBenchmark.class, "--batches", "1", "--threads", "two");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.stdout()).isEmpty();
        assertThat(bad.stderr().lines()).containsExactly("embedding benchmark: error: --threads takes a whole number, got 'two' (try --help)");

        Run badStem = java(TrainingBenchmark.class, "--patch-stem", "conv2");
        assertThat(badStem.exit()).isEqualTo(2);
        assertThat(badStem.stderr().lines()).containsExactly("training benchmark: error: --patch-stem takes patch or conv, got 'conv2' (try --help)");

        Run unknown = java(LoadTest.class, "--secnds", "6");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.stderr().lines()).containsExactly("load test: error: unknown option --secnds (try --help)");

        Run help = java(VectorIndexBenchmark.class, "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.stdout()).startsWith("options: --n N --dim D");
    }

    @Test
    void resultFilesAreWrittenWholeOrNotAtAll() throws Exception {
        Path file = tmp.resolve("results").resolve("bench.json"); // its folder is made
        ObjectNode result = Harness.JSON.createObjectNode().put("samples_per_s", 212.75);
        result.putArray("rep_samples_per_s").add(210.5).add(212.75).add(214.0);
        Harness.writeJson(file, result);
        JsonNode read = Harness.JSON.readTree(file.toFile());
        assertThat(read).isEqualTo(result);

        // A result that fails half-way through serialization leaves the previous file as it was, and no temporary file.
        ObjectNode broken = Harness.JSON.createObjectNode().put("first", 1);
        broken.putPOJO("second", new Unserializable());
        String before = Files.readString(file);
        assertThatThrownBy(() -> Harness.writeJson(file, broken)).isInstanceOf(UncheckedIOException.class);
        assertThat(Files.readString(file)).isEqualTo(before);
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("bench.json");
        }
    }

    @Test
    void processFigures() throws Exception {
        assertThat(Harness.peakRssKb()).isPresent(); // the build runs on Linux
        assertThat(Harness.peakRssKb().getAsLong()).isPositive();
        Path status = Files.writeString(tmp.resolve("status"), "Name:\tjava\nVmHWM:\t  812344 kB\nVmRSS:\t  700000 kB\n");
        assertThat(Harness.statusKb(status, "VmHWM:")).hasValue(812_344);
        assertThat(Harness.statusKb(status, "VmSwap:")).isEmpty();
        assertThat(Harness.statusKb(tmp.resolve("no-such-process"), "VmHWM:")).isEmpty(); // off Linux: no figure, no error

        Harness.Gc before = Harness.Gc.now();
        System.gc();
        Harness.Gc during = Harness.Gc.since(before);
        assertThat(during.count()).isPositive();
        assertThat(during.millis()).isNotNegative();

        ObjectNode out = Harness.JSON.createObjectNode();
        Harness.putProcess(out);
        assertThat(out.path("peak_rss_mb").asDouble()).isPositive();
        assertThat(out.has("gc_ms_total")).isTrue();
        assertThat(out.path("gc_count_total").asLong()).isPositive();
    }

    /** Jackson fails on this after it has started writing the object around it. */
    static final class Unserializable {
        public String getValue() {
            throw new IllegalStateException("not serializable");
        }
    }

    private record Run(int exit, String stdout, String stderr) {}

    /** Runs a benchmark's main in a JVM of its own, on this test's class path. */
    private Run java(Class<?> main, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Path out = tmp.resolve(main.getSimpleName() + ".out");
        Path err = tmp.resolve(main.getSimpleName() + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the benchmark answered within 60 s").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
