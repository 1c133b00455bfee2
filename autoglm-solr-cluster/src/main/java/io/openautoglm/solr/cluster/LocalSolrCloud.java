package io.openautoglm.solr.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A local SolrCloud for trying the SolrCloud index and for tests: an embedded ZooKeeper and N Solr
 * nodes (Solr's {@code MiniSolrCloudCluster}) in this JVM, their data under {@code DIR/data}. The
 * first line on stdout is {@code solr://127.0.0.1:PORT} (the first node); {@code DIR/cluster.json}
 * says which process runs it and where, so {@code autoglm cluster stop --dir DIR} can stop it.
 * SIGTERM (or Ctrl-C) shuts the nodes and ZooKeeper down cleanly, then removes the data and the
 * state file: this cluster's data does not outlive it.
 *
 * <p>Run by {@code autoglm cluster start} as a child JVM: Solr's server jars (Jetty 10) must never
 * share a classpath with the server's Javalin (Jetty 11).
 *
 * <pre>java -cp ... io.openautoglm.solr.cluster.LocalSolrCloud --dir DIR [--nodes 2] [--port 8983] [--exit-with-parent]</pre>
 */
public final class LocalSolrCloud {
    /** The file in DIR that says a cluster runs there. */
    public static final String STATE_FILE = "cluster.json";
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILED = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private LocalSolrCloud() {}

    record Args(Path dir, int nodes, int port, boolean exitWithParent) {}

    public static void main(String[] argv) {
        Args args;
        try {
            args = parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("autoglm: error: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        quietLogs(args.dir());
        System.exit(run(args, System.out));
    }

    static Args parse(String[] argv) {
        Path dir = null;
        int nodes = 2;
        int port = 8983;
        boolean exitWithParent = false;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            switch (a) {
                case "--dir" -> dir = Path.of(value(argv, ++i, a));
                case "--nodes" -> nodes = number(value(argv, ++i, a), a);
                case "--port" -> port = number(value(argv, ++i, a), a);
                case "--exit-with-parent" -> exitWithParent = true;
                default -> throw new IllegalArgumentException("unknown option " + a
                        + "; usage: LocalSolrCloud --dir DIR [--nodes N] [--port PORT] [--exit-with-parent]");
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir DIR is required (where the cluster keeps its data and " + STATE_FILE + ")");
        }
        if (nodes < 1 || nodes > 16) {
            throw new IllegalArgumentException("--nodes must be between 1 and 16, got " + nodes);
        }
        if (port < 0 || port + nodes - 1 > 65535) {
            throw new IllegalArgumentException("--port must be 0 (free ports) or a port with " + (nodes - 1)
                    + " more free after it, got " + port);
        }
        return new Args(dir, nodes, port, exitWithParent);
    }

    private static String value(String[] argv, int i, String option) {
        if (i >= argv.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return argv[i];
    }

    private static int number(String text, String option) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, got '" + text + "'");
        }
    }

    /** Starts the cluster, prints where it is, and holds it until SIGTERM (or the parent's exit); the exit code. */
    static int run(Args args, PrintStream out) {
        Path dir = args.dir().toAbsolutePath().normalize();
        Path data = dir.resolve("data");
        Path state = dir.resolve(STATE_FILE);
        try {
            Files.createDirectories(dir);
            if (Files.exists(state)) {
                ClusterState running = ClusterState.read(state);
                if (ProcessHandle.of(running.pid()).map(ProcessHandle::isAlive).orElse(false)) {
                    System.err.println("autoglm: error: a SolrCloud already runs from " + dir + " (pid " + running.pid() + ", "
                            + running.location() + "); stop it with: autoglm cluster stop --dir " + dir);
                    return EXIT_FAILED;
                }
                Files.delete(state); // left by a cluster killed with SIGKILL
            }
            deleteTree(data); // a killed cluster's data: this cluster starts empty every time
            Files.createDirectories(data);
        } catch (IOException e) {
            System.err.println("autoglm: error: cannot prepare " + dir + ": " + e.getMessage());
            return EXIT_FAILED;
        }
        // What Solr's own test base class sets, which MiniSolrCloudCluster alone does not.
        System.setProperty("solr.allowPaths", "*");
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        System.setProperty("solr.log.dir", dir.toString());

        MiniSolrCloudCluster cluster;
        List<Integer> ports = new ArrayList<>();
        try {
            cluster = new MiniSolrCloudCluster(0, data, MiniSolrCloudCluster.DEFAULT_CLOUD_SOLR_XML,
                    JettyConfig.builder().build(), null, true);
            for (int i = 0; i < args.nodes(); i++) {
                JettyConfig node = JettyConfig.builder().setPort(args.port() == 0 ? 0 : args.port() + i).stopAtShutdown(false).build();
                JettySolrRunner jetty = cluster.startJettySolrRunner("node" + (i + 1), "/solr", node);
                ports.add(jetty.getLocalPort());
            }
            cluster.waitForAllNodes(60);
        } catch (Exception e) {
            System.err.println("autoglm: error: the local SolrCloud did not start: " + rootMessage(e)
                    + (args.port() != 0 ? " (is port " + args.port() + " in use? --port 0 picks free ports)" : ""));
            deleteQuietly(data);
            return EXIT_FAILED;
        }
        ClusterState running = new ClusterState(ProcessHandle.current().pid(), ports, cluster.getZkServer().getZkAddress());
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop(cluster, state, data);
            stopped.countDown();
        }, "local-solrcloud-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            running.write(state);
        } catch (IOException e) {
            System.err.println("autoglm: error: cannot write " + state + ": " + e.getMessage());
            return EXIT_FAILED; // the hook stops the cluster
        }
        out.println(running.location());
        out.println("nodes " + running.allNodes() + "; ZooKeeper " + running.zkLocation() + "; data in " + data);
        out.println("try: autoglm index build --index " + running.location() + "/pictures --images DIR;"
                + " stop: autoglm cluster stop --dir " + dir + " (or Ctrl-C)");
        out.flush();
        if (args.exitWithParent()) {
            // The launching CLI gone (even by SIGKILL): no cluster is left running without an owner.
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> System.exit(0)));
        }
        try {
            stopped.await(); // until SIGTERM runs the hook
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Nodes first, then ZooKeeper (MiniSolrCloudCluster's order); then the data and the state file go. */
    private static void stop(MiniSolrCloudCluster cluster, Path state, Path data) {
        try {
            cluster.shutdown();
        } catch (Exception e) {
            System.err.println("autoglm: warning: stopping the local SolrCloud: " + rootMessage(e));
        }
        deleteQuietly(data);
        try {
            Files.deleteIfExists(state);
        } catch (IOException e) {
            System.err.println("autoglm: warning: cannot remove " + state + ": " + e.getMessage());
        }
        System.err.println("autoglm: local SolrCloud stopped");
        System.err.flush();
    }

    /** Held so the setting sticks: java.util.logging keeps only weak references to its loggers. */
    private static final java.util.logging.Logger JERSEY = java.util.logging.Logger.getLogger("org.glassfish");

    /** Solr and ZooKeeper are chatty: warnings and errors go to DIR/cluster.log, not the terminal. */
    private static void quietLogs(Path dir) {
        JERSEY.setLevel(java.util.logging.Level.SEVERE); // Solr's Jersey warns of a provider it does not need at every start
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.solr", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.org.apache.zookeeper", "error");
        setIfAbsent("org.slf4j.simpleLogger.log.org.eclipse.jetty", "error");
        try {
            Files.createDirectories(dir);
            setIfAbsent("org.slf4j.simpleLogger.logFile", dir.toAbsolutePath().resolve("cluster.log").toString());
        } catch (IOException e) {
            // logs then go to stderr
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void deleteQuietly(Path root) {
        try {
            deleteTree(root);
        } catch (IOException e) {
            System.err.println("autoglm: warning: cannot remove " + root + ": " + e.getMessage());
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** What DIR/cluster.json records: the process and where its nodes and ZooKeeper listen. */
    record ClusterState(long pid, List<Integer> ports, String zk) {
        String location() {
            return "solr://127.0.0.1:" + ports.get(0);
        }

        String allNodes() {
            return "solr://" + String.join(",", ports.stream().map(p -> "127.0.0.1:" + p).toList());
        }

        String zkLocation() {
            return "solr+zk://" + zk;
        }

        /** Written to a temporary name, then renamed: a reader never sees half a file. */
        void write(Path file) throws IOException {
            ObjectNode json = JSON.createObjectNode();
            json.put("pid", pid);
            // With the pid, the start time tells `cluster stop` a reused pid from this process.
            ProcessHandle.of(pid).flatMap(p -> p.info().startInstant()).ifPresent(t -> json.put("started", t.toString()));
            json.put("solr", location());
            json.put("nodes", allNodes());
            ports.forEach(json.putArray("ports")::add);
            json.put("zookeeper", zkLocation());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, json.toPrettyString() + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        static ClusterState read(Path file) throws IOException {
            JsonNode json = JSON.readTree(file.toFile());
            List<Integer> ports = new ArrayList<>();
            json.path("ports").forEach(p -> ports.add(p.asInt()));
            return new ClusterState(json.path("pid").asLong(), ports, json.path("zookeeper").asText().replace("solr+zk://", ""));
        }
    }
}
