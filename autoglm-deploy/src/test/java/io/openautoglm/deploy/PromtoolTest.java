package io.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Prometheus's own checker on the PrometheusRule's groups: `promtool check rules` (syntax, PromQL) and
 * `promtool test rules` with src/test/resources/promtool/alerts-test.yaml (each alert fires on the traffic
 * it is for, and stays quiet on traffic it is not). Skipped where promtool is not installed
 * (Debian/Ubuntu: apt-get install prometheus).
 */
class PromtoolTest {
    @TempDir
    Path tmp;
    private Path promtool;

    @BeforeEach
    void findPromtool() {
        Optional<Path> found = onPath("promtool");
        Assumptions.assumeTrue(found.isPresent(), "promtool is not installed (apt-get install prometheus); skipping its checks");
        promtool = found.get();
    }

    @Test
    void theRuleGroupsPassPromtoolCheckRules() throws Exception {
        writeRules();
        Result r = run(promtool.toString(), "check", "rules", "rules.yaml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 3 rules found");
    }

    @Test
    void eachAlertFiresOnItsTrafficAndOnlyThere() throws Exception {
        writeRules();
        try (InputStream in = getClass().getResourceAsStream("/promtool/alerts-test.yaml")) {
            Files.copy(in, tmp.resolve("alerts-test.yaml"));
        }
        Result r = run(promtool.toString(), "test", "rules", "alerts-test.yaml");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    /** The PrometheusRule's spec (its {@code groups}) is exactly a Prometheus rule file. */
    private void writeRules() throws IOException {
        Map<String, Object> spec = Yamls.map(Manifests.one("PrometheusRule").object(), "spec");
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Files.writeString(tmp.resolve("rules.yaml"), new Yaml(options).dump(spec), StandardCharsets.UTF_8);
    }

    private record Result(int exit, String output) {}

    private Result run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not finish in 60 s: " + out);
        }
        return new Result(p.exitValue(), out);
    }

    private static Optional<Path> onPath(String program) {
        List<Path> dirs = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                dirs.add(Path.of(dir));
            }
        }
        return dirs.stream().map(d -> d.resolve(program)).filter(Files::isExecutable).findFirst();
    }
}
