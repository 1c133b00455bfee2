package io.openautoglm.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A real SolrCloud in the test JVM: Solr's {@code MiniSolrCloudCluster} (an embedded ZooKeeper and
 * N Solr nodes on free ports, each in its own Jetty). One per test class: starting one costs
 * seconds.
 */
final class SolrCluster implements AutoCloseable {
    final MiniSolrCloudCluster cluster;
    final Path dir;

    private SolrCluster(MiniSolrCloudCluster cluster, Path dir) {
        this.cluster = cluster;
        this.dir = dir;
    }

    static SolrCluster start(int nodes) throws Exception {
        // Solr's own test base class sets these; MiniSolrCloudCluster alone does not.
        System.setProperty("solr.allowPaths", "*");
        System.setProperty("zookeeper.4lw.commands.whitelist", "*");
        System.setProperty("solr.log.dir", System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory("autoglm-solr-cluster");
        MiniSolrCloudCluster cluster = new MiniSolrCloudCluster.Builder(nodes, dir).withMetrics(false).build();
        return new SolrCluster(cluster, dir);
    }

    /** {@code solr://127.0.0.1:P1,127.0.0.1:P2/COLLECTION}: every node a seed. */
    String httpLocation(String collection) {
        List<String> hosts = cluster.getJettySolrRunners().stream().map(j -> "127.0.0.1:" + j.getLocalPort()).toList();
        return "solr://" + String.join(",", hosts) + "/" + collection;
    }

    /** {@code solr+zk://127.0.0.1:ZK/solr/COLLECTION}: the embedded ZooKeeper and the cluster's chroot. */
    String zkLocation(String collection) {
        return "solr+zk://" + cluster.getZkServer().getZkAddress() + "/" + collection;
    }

    JettySolrRunner node(int i) {
        return cluster.getJettySolrRunner(i);
    }

    @Override
    public void close() throws Exception {
        cluster.shutdown();
    }
}
