package io.openautoglm.solr;

import io.openautoglm.core.UserInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Where a SolrCloud index lives, parsed from an index location:
 * <ul>
 *   <li>{@code solr://HOST:PORT[,HOST:PORT...]/COLLECTION}: one or more Solr nodes reached over HTTP
 *       (each is a seed: the client learns the live nodes from the first that answers);</li>
 *   <li>{@code solr+zk://HOST:PORT[,HOST:PORT...][/CHROOT]/COLLECTION}: the ZooKeeper ensemble of the
 *       cluster (and its chroot, e.g. {@code /solr}), from which the live Solr nodes are read.</li>
 * </ul>
 *
 * @param hosts {@code host:port} of the Solr nodes or of the ZooKeeper servers, at least one
 * @param chroot the ZooKeeper chroot ({@code /solr}), or null; only for {@link Via#zookeeper}
 */
public record SolrLocation(Via via, List<String> hosts, String chroot, String collection) {
    public static final String HTTP_SCHEME = "solr://";
    public static final String ZK_SCHEME = "solr+zk://";

    /** How the cluster is reached: its Solr nodes directly, or its ZooKeeper ensemble. */
    public enum Via { http, zookeeper }

    /** Solr's own rule for collection names. */
    private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]*");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+]");
    private static final String FORM = "solr://HOST:PORT/COLLECTION or solr+zk://HOST:PORT[/CHROOT]/COLLECTION";

    public SolrLocation {
        hosts = List.copyOf(hosts);
    }

    /** Whether {@code location} names a SolrCloud index (rather than an index folder). */
    public static boolean isSolr(String location) {
        return location != null && (location.startsWith(HTTP_SCHEME) || location.startsWith(ZK_SCHEME));
    }

    /** Parses a location; one clear line naming what is wrong for a malformed one. */
    public static SolrLocation parse(String location) {
        Via via;
        String rest;
        if (location.startsWith(HTTP_SCHEME)) {
            via = Via.http;
            rest = location.substring(HTTP_SCHEME.length());
        } else if (location.startsWith(ZK_SCHEME)) {
            via = Via.zookeeper;
            rest = location.substring(ZK_SCHEME.length());
        } else {
            throw malformed(location, "it starts with neither " + HTTP_SCHEME + " nor " + ZK_SCHEME);
        }
        int slash = rest.indexOf('/');
        if (slash < 0) {
            throw malformed(location, "it names no collection after the host");
        }
        List<String> hosts = new ArrayList<>();
        for (String host : rest.substring(0, slash).split(",", -1)) {
            hosts.add(hostPort(location, host));
        }
        String path = rest.substring(slash + 1);
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        int last = path.lastIndexOf('/');
        String collection = path.substring(last + 1);
        String root = last < 0 ? null : path.substring(0, last);
        String chroot = root == null ? null : "/" + root;
        if (collection.isEmpty()) {
            throw malformed(location, "it names no collection after the host");
        }
        if (!COLLECTION.matcher(collection).matches()) {
            throw malformed(location, "the collection name '" + collection
                    + "' may hold only letters, digits, '.', '_' and '-', and may not start with '.' or '-'");
        }
        if (chroot != null) {
            if (via == Via.http) {
                throw malformed(location, "a solr:// location is HOST:PORT/COLLECTION, with no path before the collection"
                        + " (a ZooKeeper chroot goes in a solr+zk:// location)");
            }
            if (java.util.Arrays.stream(root.split("/", -1)).anyMatch(String::isEmpty)) {
                throw malformed(location, "the ZooKeeper chroot '" + chroot + "' has an empty part");
            }
        }
        return new SolrLocation(via, hosts, chroot, collection);
    }

    private static String hostPort(String location, String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (hostPort.isEmpty() || colon <= 0 || colon == hostPort.length() - 1 || hostPort.endsWith("]")) {
            throw malformed(location, "'" + hostPort + "' is not HOST:PORT");
        }
        String host = hostPort.substring(0, colon);
        if (!HOST.matcher(host).matches()) {
            throw malformed(location, "'" + host + "' is not a host name or address");
        }
        int port;
        try {
            port = Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw malformed(location, "the port in '" + hostPort + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw malformed(location, "the port " + port + " is not between 1 and 65535");
        }
        return host + ":" + port;
    }

    private static UserInputException malformed(String location, String why) {
        return new UserInputException("index location '" + location + "' is not a SolrCloud location: " + why
                + "; write " + FORM);
    }

    /** Solr's base URLs ({@code http://HOST:PORT/solr}) of the seed nodes; only for {@link Via#http}. */
    public List<String> solrUrls() {
        if (via != Via.http) {
            throw new IllegalStateException("a " + ZK_SCHEME + " location names ZooKeeper servers, not Solr nodes");
        }
        return hosts.stream().map(h -> "http://" + h + "/solr").toList();
    }

    @Override
    public String toString() {
        return (via == Via.http ? HTTP_SCHEME : ZK_SCHEME) + String.join(",", hosts) + (chroot == null ? "" : chroot)
                + "/" + collection;
    }
}
