package io.openautoglm.solr.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code autoglm cluster start} in a child JVM (this test JVM's class path: the CLI without Javalin,
 * and this module's runner), which runs the local SolrCloud in a JVM of its own. Its stdout lines
 * are queued for the test to read.
 */
final class ClusterProcess implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** The first line: {@code solr://127.0.0.1:PORT}. */
    final String solr;
    /** {@code solr+zk://127.0.0.1:ZK/solr} from the second line. */
    final String zookeeper;

    private ClusterProcess(Process process) throws Exception {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "cluster-stdout");
        reader.setDaemon(true);
        reader.start();
        String first = lines.poll(180, TimeUnit.SECONDS);
        if (first == null) {
            process.destroyForcibly();
            throw new AssertionError("the cluster printed nothing within 180 s (alive: " + process.isAlive() + ")");
        }
        this.solr = first;
        String second = lines.poll(10, TimeUnit.SECONDS);
        this.zookeeper = second == null ? null : second.replaceAll(".*ZooKeeper (solr\\+zk://\\S+);.*", "$1");
    }

    static ClusterProcess start(Path dir, int nodes) throws Exception {
        String classpath = System.getProperty("java.class.path");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dai.djl.offline=true", "-Dautoglm.solr.cluster.classpath=" + classpath, "-cp", classpath,
                "io.openautoglm.cli.AutoglmCli", "cluster", "start", "--dir", dir.toString(), "--nodes", Integer.toString(nodes),
                "--port", "0"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().put("AUTOGLM_SOLR_JAVA_OPTS", "-Xmx768m");
        return new ClusterProcess(builder.start());
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
