package io.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.deploy.Dockerfile.Instruction;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * deploy/Dockerfile checked without docker: what it copies exists (build outputs once `package` ran) and
 * is in its build context, the runtime layout is the one the ./autoglm launcher expects (so the launcher's
 * flags and settings apply unchanged), its default command is a real serve command line, and it runs as
 * the non-root user the Deployment names.
 */
class DockerfileTest {
    private final Dockerfile docker = Dockerfile.read();
    private static final Path LAUNCHER = Manifests.ROOT.resolve("autoglm");

    @Test
    void theRuntimeIsAJava17TemurinImage() {
        String image = docker.argDefault("JAVA_IMAGE");
        assertThat(image).as("ARG JAVA_IMAGE default").startsWith("eclipse-temurin:17-");
        assertThat(docker.all("FROM")).allSatisfy(f -> assertThat(f.args()).startsWith("${JAVA_IMAGE}"));
    }

    @Test
    void everyCopiedSourceIsInTheBuildContextAndExists() throws IOException {
        List<String> ignore = Files.readAllLines(Dockerfile.IGNORE).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ignore.get(0)).as("the context starts empty").isEqualTo("*");
        List<String> allowed = ignore.stream().filter(l -> l.startsWith("!")).map(l -> l.substring(1)).toList();
        for (String source : copiedSources()) {
            assertThat(allowed).as(source + " is let into the build context by Dockerfile.dockerignore")
                    .anySatisfy(a -> assertThat(stripSlash(source)).isEqualTo(stripSlash(a)));
            if (!source.startsWith("autoglm-cli/target/")) {
                assertThat(matches(source)).as(source + " exists in the checkout").isNotEmpty();
            }
        }
    }

    @Test
    void theCliJarAndItsLibrariesExistAfterPackage() {
        Path jar = Manifests.ROOT.resolve(launcherJar());
        Assumptions.assumeTrue(Files.isRegularFile(jar), "the CLI jar is not built (./mvnw package builds it before this"
                + " module's tests in a full build); skipping the check that the Dockerfile's build outputs exist");
        for (String source : copiedSources()) {
            if (source.startsWith("autoglm-cli/target/")) {
                List<Path> found = matches(source);
                assertThat(found).as(source + " after package").isNotEmpty();
                if (source.endsWith(".jar")) {
                    assertThat(found).as(source + ": the one jar the launcher runs").containsExactly(jar);
                }
            }
        }
        assertThat(Manifests.ROOT.resolve("autoglm-cli/target/lib")).isDirectoryContaining("glob:**/pytorch-native-cpu-*.jar");
    }

    @Test
    void theLayoutIsTheLaunchersSoItsFlagsAndSettingsApply() throws IOException {
        String workdir = docker.one("WORKDIR").args();
        List<String> entrypoint = Dockerfile.execForm(docker.one("ENTRYPOINT").args());
        assertThat(entrypoint).as("the entrypoint is the launcher").containsExactly(workdir + "/autoglm");
        assertThat(destinations()).containsKeys("autoglm", "tools/malloc-tuning.env", "models/", "autoglm-cli/target/lib/");
        // the jar the launcher runs is where the COPY puts it
        PathMatcher jarDest = FileSystems.getDefault().getPathMatcher("glob:" + destinationOf("autoglm-cli/target/autoglm-cli-*.jar")
                + "autoglm-cli-*.jar");
        assertThat(jarDest.matches(Path.of(launcherJar()))).as(launcherJar() + " matches the copied jar").isTrue();
        String launcher = Files.readString(LAUNCHER);
        assertThat(launcher).contains("-Dai.djl.offline=true").contains("tools/malloc-tuning.env").contains("TORCH_CPP_LOG_LEVEL");
        // the MKL shim: built in its own stage, copied to where the launcher preloads it from
        Matcher shim = Pattern.compile("mkl_shim=\"\\$home/([^\"]+)\"").matcher(launcher);
        assertThat(shim.find()).as("the launcher's shim path").isTrue();
        Instruction fromShim = docker.runtime("COPY").stream().filter(c -> c.args().startsWith("--from=")).findFirst().orElseThrow();
        String[] parts = fromShim.args().split("\\s+");
        assertThat(parts[2]).isEqualTo(shim.group(1));
        String stage = parts[0].substring("--from=".length());
        assertThat(docker.all("RUN").stream().filter(r -> stage.equals(r.stage())).map(Instruction::args))
                .as("stage " + stage + " runs tools/mkl-on-amd/build.sh").anyMatch(a -> a.contains("tools/mkl-on-amd/build.sh"));
        assertThat(Files.readString(Manifests.ROOT.resolve("tools/mkl-on-amd/build.sh"))).contains(Path.of(parts[1]).getFileName().toString());
        // bundled models found through AUTOGLM_HOME
        assertThat(env()).containsEntry("AUTOGLM_HOME", workdir);
    }

    @Test
    void theNativesAreUnpackedAtBuildTimeAndReadableByTheRuntimeUser() {
        String djlCache = env().get("DJL_CACHE_DIR");
        String workdir = docker.one("WORKDIR").args();
        assertThat(djlCache).as("DJL_CACHE_DIR inside the image, not on a volume").startsWith(workdir + "/");
        List<String> runs = docker.runtime("RUN").stream().map(Instruction::args).toList();
        // DJL unpacks into a 0700 folder owned by the build's root: without the chmod the runtime user cannot load libtorch
        assertThat(runs).anyMatch(r -> r.contains("./autoglm embed") && r.contains("chmod -R a+rX " + workdir));
    }

    @Test
    void theDefaultCommandIsARealServeCommandLine() {
        List<String> cmd = Dockerfile.execForm(docker.one("CMD").args());
        var serve = ServeOptionsTest.parse(cmd).subcommand();
        assertThat(serve.commandSpec().name()).isEqualTo("serve");
        assertThat(serve.matchedOptionValue("--port", -1)).isEqualTo(Integer.parseInt(
                docker.one("EXPOSE").args().strip()));
    }

    @Test
    void itRunsAsTheNonRootUserTheDeploymentNamesWithTheCacheAsAVolume() {
        String user = docker.one("USER").args().strip();
        String uid = user.split(":")[0];
        assertThat(uid).as("numeric, so runAsNonRoot can verify it").matches("\\d+").isNotEqualTo("0");
        Map<String, Object> pod = Yamls.map(Manifests.one("Deployment").object(), "spec", "template", "spec");
        assertThat(Yamls.string(pod, "securityContext", "runAsUser")).isEqualTo(uid);
        String cache = env().get("AUTOGLM_CACHE_DIR");
        assertThat(Dockerfile.execForm(docker.one("VOLUME").args())).contains(cache);
        assertThat(Yamls.<Map<String, Object>>list(Manifests.container(), "volumeMounts").stream()
                .map(m -> Yamls.string(m, "mountPath"))).as("the Deployment mounts a volume at AUTOGLM_CACHE_DIR").contains(cache);
        assertThat(ServeArgs.configMapOptions()).as("the gallery lives in the cache volume").contains("--gallery-dir " + cache + "/");
    }

    /** The launcher's jar, relative to the checkout (autoglm-cli/target/autoglm-cli-VERSION.jar). */
    private static String launcherJar() {
        try {
            Matcher m = Pattern.compile("jar=\"\\$home/([^\"]+)\"").matcher(Files.readString(LAUNCHER));
            if (!m.find()) {
                throw new AssertionError("no jar=\"$home/...\" line in " + LAUNCHER);
            }
            return m.group(1);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sources of the runtime stage's COPYs from the build context (not --from another stage). */
    private List<String> copiedSources() {
        List<String> out = new ArrayList<>();
        for (Instruction i : docker.all("COPY")) {
            if (i.args().startsWith("--from=")) {
                continue;
            }
            String[] parts = i.args().split("\\s+");
            out.addAll(List.of(parts).subList(0, parts.length - 1));
        }
        return out;
    }

    /** Runtime-stage COPY source to destination (relative to WORKDIR). */
    private Map<String, String> destinations() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Instruction i : docker.runtime("COPY")) {
            if (!i.args().startsWith("--from=")) {
                String[] parts = i.args().split("\\s+");
                out.put(parts[0], parts[parts.length - 1]);
            }
        }
        return out;
    }

    private String destinationOf(String source) {
        String dest = destinations().get(source);
        assertThat(dest).as("a COPY of " + source).isNotNull();
        return dest;
    }

    private Map<String, String> env() {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (Instruction i : docker.runtime("ENV")) {
            for (String pair : i.args().trim().split("\\s+")) {
                String[] kv = pair.split("=", 2);
                out.put(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        return out;
    }

    /** Files or folders in the checkout that a COPY source (maybe a glob) names. */
    private static List<Path> matches(String source) {
        String clean = stripSlash(source);
        if (!clean.contains("*")) {
            Path p = Manifests.ROOT.resolve(clean);
            return Files.exists(p) ? List.of(p) : List.of();
        }
        Path dir = Manifests.ROOT.resolve(clean).getParent();
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + Manifests.ROOT.resolve(clean));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(glob::matches).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
