package io.openautoglm.solr;

import io.openautoglm.core.UserInputException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.solr.client.solrj.SolrClient;
import org.apache.solr.client.solrj.SolrRequest;
import org.apache.solr.client.solrj.SolrServerException;
import org.apache.solr.client.solrj.impl.HttpJdkSolrClient;
import org.apache.solr.client.solrj.impl.LBSolrClient;
import org.apache.solr.client.solrj.impl.ZkClientClusterStateProvider;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.QueryRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.common.SolrException;
import org.apache.solr.common.util.NamedList;
import org.apache.solr.common.util.URLUtil;

/**
 * The Solr nodes of one cluster, reached with the JDK's HTTP client ({@code HttpJdkSolrClient}; no
 * Jetty jars), spread over every live node and failing over when one stops answering. SolrCloud
 * routes each request itself (a query fans out to every shard, an update goes to its shard's
 * leader), so any live node serves any request. SolrJ's {@code CloudHttp2SolrClient} would route
 * updates straight to leaders but needs Jetty's client; one hop more is the price of keeping
 * Jetty 10 out of a classpath that holds Javalin's Jetty 11.
 *
 * <p>Requests that fail while the cluster heals (a node just went down, its shards are electing a
 * new leader) are retried for {@link #HEAL_MILLIS}; a cluster that cannot be reached at all is
 * one clear {@link UserInputException}.
 */
final class SolrNodes implements AutoCloseable {
    /** How long a request is retried while shards elect new leaders after a node went away. */
    static final long HEAL_MILLIS = 60_000;
    private static final long CONNECT_MILLIS = 5_000;
    private static final long REQUEST_MILLIS = 120_000;

    private final SolrLocation location;
    private final Failover client;

    private SolrNodes(SolrLocation location, List<String> urls) {
        this.location = location;
        this.client = new Failover(urls);
    }

    /** Connects to the cluster: the seed nodes (or ZooKeeper's live nodes), then every live node the cluster reports. */
    static SolrNodes connect(SolrLocation location) {
        List<String> seeds = location.via() == SolrLocation.Via.http ? location.solrUrls() : liveNodesFromZooKeeper(location);
        SolrNodes seeded = new SolrNodes(location, seeds);
        Set<String> all = new LinkedHashSet<>(seeds);
        try {
            NamedList<Object> status = seeded.request(CollectionAdminRequest.getClusterStatus(), null);
            Object cluster = status.get("cluster");
            if (cluster instanceof NamedList<?> c && c.get("live_nodes") instanceof List<?> live) {
                live.forEach(node -> all.add(URLUtil.getBaseUrlForNodeName(node.toString(), "http")));
            }
        } catch (RuntimeException e) {
            seeded.close();
            throw e;
        }
        if (all.size() == seeds.size()) {
            return seeded;
        }
        seeded.close();
        return new SolrNodes(location, new ArrayList<>(all));
    }

    private static List<String> liveNodesFromZooKeeper(SolrLocation location) {
        String ensemble = String.join(",", location.hosts());
        // A ZooKeeper that does not answer would otherwise be retried for the client's default 45 s.
        try (ZkClientClusterStateProvider zk = new ZkClientClusterStateProvider(location.hosts(), location.chroot())) {
            zk.setZkConnectTimeout((int) CONNECT_MILLIS);
            zk.setZkClientTimeout((int) CONNECT_MILLIS * 2);
            Set<String> live = zk.getLiveNodes();
            if (live.isEmpty()) {
                throw new UserInputException("the SolrCloud of ZooKeeper " + ensemble + (location.chroot() == null ? "" : location.chroot())
                        + " has no live Solr node; start its nodes, or check the chroot");
            }
            return live.stream().sorted().map(node -> URLUtil.getBaseUrlForNodeName(node, "http")).toList();
        } catch (UserInputException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            throw new UserInputException("cannot reach ZooKeeper at " + ensemble + " for " + location + ": " + rootMessage(e)
                    + "; check that the cluster runs and the host, port and chroot are right");
        }
    }

    /** Sends a request to the cluster (or to a collection), retried while the cluster heals. */
    NamedList<Object> request(SolrRequest<?> request, String collection) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HEAL_MILLIS);
        while (true) {
            try {
                return client.request(request, collection);
            } catch (SolrServerException | IOException | SolrException e) {
                boolean unreachable = unreachable(e);
                boolean healing = e instanceof SolrException se && healing(se);
                if ((!healing && !unreachable) || System.nanoTime() > deadline || (unreachable && client.neverAnswered())) {
                    throw failure(e, unreachable);
                }
                sleep(250);
            }
        }
    }

    /** A query, retried while the cluster heals, its answer parsed. */
    QueryResponse query(QueryRequest query, String collection) {
        return new QueryResponse(request(query, collection), null);
    }

    private RuntimeException failure(Exception e, boolean unreachable) {
        if (unreachable) {
            return new UserInputException("cannot reach SolrCloud at " + location + " (" + String.join(", ", client.urls)
                    + "): " + rootMessage(e) + "; check that it runs and that the host and port are right");
        }
        if (e instanceof SolrException se) {
            return new IllegalStateException("SolrCloud at " + location + " answered " + se.code() + ": " + se.getMessage(), se);
        }
        return new IllegalStateException("request to SolrCloud at " + location + " failed: " + rootMessage(e), e);
    }

    /** 503 (no leader, replica recovering), 510 (cluster state changed under the request), and a 500 about a lost leader. */
    private static boolean healing(SolrException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return e.code() == 503 || e.code() == 510 || (e.code() == 500 && (message.contains("leader") || message.contains("recover")));
    }

    /** The request reached no node: refused, timed out connecting, unknown host. */
    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof HttpConnectTimeoutException
                    || t instanceof UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return true;
            }
            if (t.getMessage() != null && t.getMessage().startsWith("No live SolrServers available")) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for SolrCloud", e);
        }
    }

    SolrLocation location() {
        return location;
    }

    @Override
    public void close() {
        client.close();
    }

    /** SolrJ's failover over the JDK client: one {@code HttpJdkSolrClient} per node. */
    private static final class Failover extends LBSolrClient {
        private final List<String> urls;
        private final Map<String, HttpJdkSolrClient> clients = new ConcurrentHashMap<>();
        /**
         * The JDK HTTP clients' threads, ours to stop: a client that owns its executor waits for it
         * at close, and a request still held to a node that went away kept that wait going for the
         * whole request timeout (two minutes). Closing ours drops such requests at once.
         */
        private final ExecutorService executor = Executors.newCachedThreadPool(daemonThreads());
        private volatile boolean answered;

        Failover(List<String> urls) {
            super(urls);
            this.urls = List.copyOf(urls);
        }

        @Override
        protected SolrClient getClient(String baseUrl) {
            return clients.computeIfAbsent(baseUrl, url -> new HttpJdkSolrClient.Builder(url)
                    .useHttp1_1(true)
                    .withExecutor(executor)
                    .withConnectionTimeout(CONNECT_MILLIS, TimeUnit.MILLISECONDS)
                    .withRequestTimeout(REQUEST_MILLIS, TimeUnit.MILLISECONDS)
                    .build());
        }

        @Override
        protected SolrClient getClient(Endpoint endpoint) {
            return getClient(endpoint.getBaseUrl());
        }

        @Override
        public NamedList<Object> request(SolrRequest<?> request, String collection) throws SolrServerException, IOException {
            NamedList<Object> out = super.request(request, collection);
            answered = true;
            return out;
        }

        /** Not one answer yet: an unreachable cluster is reported at once instead of waited for. */
        boolean neverAnswered() {
            return !answered;
        }

        @Override
        public void close() {
            super.close();
            for (HttpJdkSolrClient c : clients.values()) {
                try {
                    c.close();
                } catch (IOException e) {
                    // closing idle connections of a node that went away; nothing to keep
                }
            }
            executor.shutdownNow();
        }

        private static ThreadFactory daemonThreads() {
            AtomicInteger count = new AtomicInteger();
            return r -> {
                Thread t = new Thread(r, "autoglm-solr-http-" + count.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
    }
}
