package io.openautoglm.cli;

import io.openautoglm.core.UserInputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Start a local SolrCloud: an embedded ZooKeeper and --nodes Solr 9.10 nodes on 127.0.0.1, data under DIR/data.",
            "The first line printed is solr://127.0.0.1:PORT (the first node): give it with a collection name to --index,"
                + " e.g. --index solr://127.0.0.1:8983/pictures. It runs until SIGTERM or Ctrl-C (or `autoglm cluster stop --dir DIR`),"
                + " then stops its nodes and ZooKeeper cleanly and removes its data: it is for trying things and for tests,"
                + " not for keeping an index (docs/solr.md says how to use a production SolrCloud).",
            "Solr's server (Jetty 10) runs in a child JVM from the autoglm-solr-cluster module, apart from the server's Jetty 11."})
final class ClusterStartCommand implements Callable<Integer> {
    /** Overrides where the runner's classes are (a class path); tests set it. */
    static final String CLASSPATH_PROPERTY = "autoglm.solr.cluster.classpath";
    static final String MAIN = "io.openautoglm.solr.cluster.LocalSolrCloud";
    static final String MODULE = "autoglm-solr-cluster";

    @Option(names = "--dir", required = true, paramLabel = "DIR",
            description = "Where the cluster keeps its data and cluster.json (pid and ports, for `cluster stop`).")
    Path dir;

    @Option(names = "--nodes", paramLabel = "N", defaultValue = "2", description = "Solr nodes (default: ${DEFAULT-VALUE}).")
    int nodes;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8983",
            description = "Port of the first node; the others take the next ones (default: ${DEFAULT-VALUE}; 0: free ports).")
    int port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        if (nodes < 1 || nodes > 16) {
            throw new UserInputException("--nodes must be between 1 and 16, got " + nodes);
        }
        if (port < 0 || port + nodes - 1 > 65535) {
            throw new UserInputException("--port must be 0 (free ports) or leave room for " + nodes + " ports below 65536, got " + port);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv("AUTOGLM_SOLR_JAVA_OPTS");
        command.addAll(opts == null || opts.isBlank() ? List.of("-Xmx1g") : List.of(opts.strip().split("\\s+")));
        command.addAll(List.of("-cp", runnerClasspath(), MAIN, "--dir", dir.toString(), "--nodes", Integer.toString(nodes),
                "--port", Integer.toString(port), "--exit-with-parent"));
        Process child;
        try {
            child = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new UserInputException("cannot start the local SolrCloud's JVM: " + e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Thread outPump = pump(child.getInputStream(), out, "cluster-stdout");
        Thread errPump = pump(child.getErrorStream(), err, "cluster-stderr");
        // SIGTERM or Ctrl-C to us: the same to the cluster, which stops its nodes and ZooKeeper, then we exit.
        Thread forward = new Thread(() -> stop(child), "cluster-stop");
        Runtime.getRuntime().addShutdownHook(forward);
        int code = child.waitFor();
        outPump.join(5_000);
        errPump.join(5_000);
        try {
            Runtime.getRuntime().removeShutdownHook(forward);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook is running
        }
        // 143: the cluster stopped cleanly on SIGTERM (`autoglm cluster stop`): a normal end.
        return code == 143 ? 0 : code;
    }

    private static void stop(Process child) {
        child.destroy(); // SIGTERM
        try {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        } catch (InterruptedException e) {
            child.destroyForcibly();
        }
    }

    /** Copies a stream of the child, line by line, to ours. */
    private static Thread pump(InputStream from, PrintWriter to, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(from, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    to.println(line);
                    to.flush();
                }
            } catch (IOException e) {
                // the child is gone
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The runner's class path: {@value #CLASSPATH_PROPERTY} when set, else the module's jar (or its
     * classes) and {@code target/lib/*} under the project root; one clear line when they are not built.
     */
    static String runnerClasspath() {
        String given = System.getProperty(CLASSPATH_PROPERTY);
        if (given != null && !given.isBlank()) {
            return given;
        }
        Path home = projectHome();
        Path target = home.resolve(MODULE).resolve("target");
        Path lib = target.resolve("lib");
        Path code = null;
        if (Files.isDirectory(target)) {
            try (Stream<Path> files = Files.list(target)) {
                code = files.filter(p -> p.getFileName().toString().matches(MODULE + "-[0-9].*(?<!-sources|-tests)\\.jar"))
                        .findFirst().orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (code == null && Files.isRegularFile(target.resolve("classes").resolve(MAIN.replace('.', '/') + ".class"))) {
                code = target.resolve("classes");
            }
        }
        if (code == null || !Files.isDirectory(lib)) {
            throw new UserInputException("the local SolrCloud is not built (nothing runnable in " + target + "); build it with: cd "
                    + home + " && ./mvnw -B -q -pl " + MODULE + " -am package -DskipTests");
        }
        return code + java.io.File.pathSeparator + lib + java.io.File.separator + "*";
    }

    /** The project root: AUTOGLM_HOME (the launcher sets it), else two folders above the CLI's own classes or jar. */
    static Path projectHome() {
        String env = System.getenv("AUTOGLM_HOME");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        try {
            Path self = Path.of(AutoglmCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // .../autoglm-cli/target/classes or .../autoglm-cli/target/autoglm-cli-VERSION.jar
            return self.getParent().getParent().getParent();
        } catch (Exception e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
