package io.openautoglm.cli;

import static io.openautoglm.cli.CliRunner.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --index solr://...} where no SolrCloud answers, or written wrong: every command that takes
 * an index says so in one line naming the location, at once (no model is loaded first, no
 * two-minute hang). The commands against a real SolrCloud are tested in autoglm-solr-cluster, whose
 * classpath may hold Solr's Jetty 10.
 */
class SolrLocationCommandTest {
    /** Nothing listens on port 1: connection refused at once. */
    static final String UNREACHABLE = "solr://127.0.0.1:1/pictures";

    @TempDir
    Path tmp;

    private Path onePicture() throws Exception {
        Path pics = Files.createDirectories(tmp.resolve("pics"));
        javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(32, 32, java.awt.image.BufferedImage.TYPE_INT_RGB), "png",
                pics.resolve("black.png").toFile());
        return pics;
    }

    @Test
    void anUnreachableSolrCloudIsOneLineWithinSeconds() throws Exception {
        Path pics = onePicture();
        List<String[]> commands = List.of(
                new String[] {"index", "build", "--index", UNREACHABLE, "--images", pics.toString(), "--shards", "2"},
                new String[] {"index", "info", "--index", UNREACHABLE},
                new String[] {"search", "--index", UNREACHABLE, "--text", "a red circle"},
                new String[] {"serve", "--index", UNREACHABLE, "--port", "0", "--no-fusion", "--model", IndexAndSearchCommandTest.MODEL});
        for (String[] args : commands) {
            long start = System.nanoTime();
            CliRunner r = CliRunner.run(args);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertOneLineError(r, "cannot reach SolrCloud at " + UNREACHABLE, "check that it runs");
            assertThat(seconds).as(String.join(" ", args)).isLessThan(10);
        }
        // solr+zk:// reaches the cluster through ZooKeeper: the same, naming ZooKeeper.
        assertOneLineError(CliRunner.run("index", "info", "--index", "solr+zk://127.0.0.1:1/solr/pictures"),
                "cannot reach ZooKeeper at 127.0.0.1:1");
    }

    @Test
    void malformedLocationsAreOneLine() {
        assertOneLineError(CliRunner.run("index", "info", "--index", "solr://127.0.0.1/pictures"),
                "is not a SolrCloud location", "'127.0.0.1' is not HOST:PORT");
        assertOneLineError(CliRunner.run("search", "--index", "solr://h:1", "--text", "x"), "names no collection");
        assertOneLineError(CliRunner.run("index", "info", "--index", "http://127.0.0.1:8983/solr/pictures"),
                "neither a folder nor a SolrCloud location", "solr://HOST:PORT/COLLECTION");
    }

    @Test
    void aFolderIgnoresShardsAndReplicasWithANote() throws Exception {
        Path pics = onePicture();
        CliRunner r = CliRunner.run("index", "build", "--index", tmp.resolve("index").toString(), "--images", pics.toString(),
                "--model", IndexAndSearchCommandTest.MODEL, "--shards", "2", "--replicas", "2", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("autoglm: note: --shards and --replicas lay out a new SolrCloud collection; the index folder");
        assertThat(Json.MAPPER.readTree(r.out()).get("count").asInt()).isEqualTo(1);
    }

    @Test
    void clusterStopWithoutARunningClusterIsOneLine() throws Exception {
        assertOneLineError(CliRunner.run("cluster", "stop", "--dir", tmp.toString()), "no local SolrCloud runs from " + tmp);
        // A cluster killed with SIGKILL leaves its file behind; stop says so and removes it.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(tmp.resolve("cluster.json"), "{\"pid\": " + gone.pid() + ", \"solr\": \"solr://127.0.0.1:9\"}");
        assertOneLineError(CliRunner.run("cluster", "stop", "--dir", tmp.toString()), "is not running any more", "stale");
        assertThat(tmp.resolve("cluster.json")).doesNotExist();
    }

    @Test
    void clusterStartChecksItsOptions() {
        assertOneLineError(CliRunner.run("cluster", "start", "--dir", tmp.toString(), "--nodes", "0"), "--nodes must be between 1 and 16");
        assertOneLineError(CliRunner.run("cluster", "start", "--dir", tmp.toString(), "--port", "65535", "--nodes", "2"),
                "--port must be 0");
    }
}
