package io.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.cli.AutoglmCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Deployment's command line is a real `autoglm serve` command line: parsed by the CLI's own picocli
 * model (a renamed or removed option fails here, not in a crash-looping pod), with the launcher's
 * environment and a heap that fits the memory limit.
 */
class ServeOptionsTest {
    @TempDir
    Path tmp;

    /** Parses {@code args} as the CLI would; picocli throws on an unknown option or a bad value. */
    static CommandLine.ParseResult parse(List<String> args) {
        return new CommandLine(new AutoglmCli()).parseArgs(args.toArray(String[]::new));
    }

    @Test
    void theContainerArgsAndTheConfigMapOptionsParseAsServeOptions() throws Exception {
        Path options = tmp.resolve("serve.args");
        Files.writeString(options, ServeArgs.configMapOptions());
        List<String> args = ServeArgs.containerArgs().stream().map(a -> a.startsWith("@") ? "@" + options : a).toList();
        CommandLine.ParseResult serve = parse(args).subcommand();
        assertThat(serve).as("the container runs a subcommand").isNotNull();
        assertThat(serve.commandSpec().name()).isEqualTo("serve");
        // every option line of the @-file reached the serve command (picocli read the file, comments skipped)
        List<String> fileOptions = ServeArgs.configMapOptions().lines().map(String::strip)
                .filter(l -> l.startsWith("--")).map(l -> l.split("\\s+")[0]).toList();
        assertThat(fileOptions).as("the ConfigMap sets options").isNotEmpty();
        for (String option : fileOptions) {
            assertThat(serve.hasMatchedOption(option)).as(option + " from the ConfigMap reached `serve`").isTrue();
        }
        assertThat(serve.matchedOptionValue("--host", "")).as("reachable from the Service").isEqualTo("0.0.0.0");
        int port = serve.matchedOptionValue("--port", -1);
        List<Map<String, Object>> ports = Yamls.list(Manifests.container(), "ports");
        assertThat(ports.stream().map(p -> p.get("containerPort")).toList()).as("containerPort is --port").containsExactly(port);
    }

    @Test
    void aMisspelledOptionInTheConfigMapIsRefused() throws Exception {
        Path options = tmp.resolve("serve.args");
        Files.writeString(options, ServeArgs.configMapOptions() + "--batch-sise 16\n");
        List<String> args = ServeArgs.containerArgs().stream().map(a -> a.startsWith("@") ? "@" + options : a).toList();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> parse(args))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class).hasMessageContaining("--batch-sise");
    }

    @Test
    void theEnvironmentHoldsTheLaunchersMallocSettingsAndTorchLogLevel() throws Exception {
        Map<String, String> file = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Manifests.ROOT.resolve("tools/malloc-tuning.env"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                String[] kv = line.split("=", 2);
                file.put(kv[0].strip(), kv[1].strip());
            }
        }
        assertThat(file).as("tools/malloc-tuning.env entries").isNotEmpty();
        Map<String, String> env = env();
        assertThat(env).containsAllEntriesOf(file);
        assertThat(env).containsEntry("TORCH_CPP_LOG_LEVEL", "ERROR");
        // libtorch's threads follow the CPU limit, not the node's cores
        Map<String, Object> omp = Yamls.<Map<String, Object>>list(Manifests.container(), "env").stream()
                .filter(e -> "OMP_NUM_THREADS".equals(e.get("name"))).findFirst().orElseThrow();
        assertThat(Yamls.string(omp, "valueFrom", "resourceFieldRef", "resource")).isEqualTo("limits.cpu");
    }

    @Test
    void theHeapLeavesTheMeasuredNativeMemoryInsideTheLimit() {
        String opts = env().get("AUTOGLM_JAVA_OPTS");
        String xmx = List.of(opts.split("\\s+")).stream().filter(o -> o.startsWith("-Xmx")).findFirst().orElseThrow();
        long heap = bytes(xmx.substring(4));
        long limit = bytes(Yamls.string(Manifests.container(), "resources", "limits", "memory"));
        long request = bytes(Yamls.string(Manifests.container(), "resources", "requests", "memory"));
        // bench/results/load-test.txt: 1419 MiB resident with a 1 GiB heap under 2x overload
        long measuredResident = 1419L << 20;
        long measuredHeap = 1L << 30;
        assertThat(limit).as("memory limit vs heap + the native memory measured beside a 1 GiB heap")
                .isGreaterThan(heap + (measuredResident - measuredHeap));
        assertThat(request).isLessThanOrEqualTo(limit).isGreaterThanOrEqualTo(heap);
    }

    @Test
    void theSecretsPlaceholderIsEmptySoNoKeyFromGitIsEverServed() {
        Map<String, Object> data = Yamls.map(Manifests.one("Secret").object(), "stringData");
        assertThat(data).hasSize(1);
        assertThat(data.values()).as("an empty key makes `serve` refuse to start instead of serving under a public key")
                .containsOnly("");
    }

    private static Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        for (Map<String, Object> e : Yamls.<Map<String, Object>>list(Manifests.container(), "env")) {
            if (e.containsKey("value")) {
                env.put(e.get("name").toString(), e.get("value").toString());
            }
        }
        return env;
    }

    /** Kubernetes quantities and JVM sizes: 1536Mi, 2Gi, 1g, 512m. */
    static long bytes(String size) {
        var m = java.util.regex.Pattern.compile("(\\d+)(Ki|Mi|Gi|k|m|g|K|M|G)?").matcher(size);
        if (!m.matches()) {
            throw new AssertionError("not a size: " + size);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase().substring(0, 1);
        return switch (unit) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }
}
