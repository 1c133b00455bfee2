package io.openautoglm.solr;

import io.openautoglm.core.UserInputException;
import io.openautoglm.search.IndexSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.solr.client.solrj.request.CollectionAdminRequest;
import org.apache.solr.client.solrj.request.ConfigSetAdminRequest;
import org.apache.solr.common.util.ContentStreamBase;
import org.apache.solr.common.util.NamedList;

/**
 * Creates and describes the collections of autoglm indexes through Solr's Collections and
 * ConfigSets APIs. Each collection gets its own configset, {@code autoglm-COLLECTION}, because
 * the vector dimension and the HNSW parameters are part of its schema.
 */
public final class SolrCollections {
    static final String CONFIGSET_PREFIX = "autoglm-";
    private static final List<String> CONFIG_FILES = List.of("solrconfig.xml", "schema.xml");

    private SolrCollections() {}

    static boolean exists(SolrNodes nodes, String collection) {
        NamedList<Object> response = nodes.request(new CollectionAdminRequest.List(), null);
        return response.get("collections") instanceof List<?> names && names.contains(collection);
    }

    /** Uploads the collection's configset (schema for {@code dim}-dimensional vectors) and creates the collection. */
    static void create(SolrNodes nodes, String collection, int dim, IndexSettings settings, CollectionLayout layout) {
        String configset = CONFIGSET_PREFIX + collection;
        ConfigSetAdminRequest.Upload upload = new ConfigSetAdminRequest.Upload()
                .setConfigSetName(configset)
                .setOverwrite(true)
                .setCleanup(true);
        upload.setUploadStream(new ContentStreamBase.ByteArrayStream(configsetZip(dim, settings), configset + ".zip",
                "application/zip"));
        nodes.request(upload, null);
        CollectionAdminRequest.Create create = CollectionAdminRequest.createCollection(collection, configset,
                layout.shards(), layout.replicas());
        NamedList<Object> response = nodes.request(create, null);
        Object failure = response.get("failure");
        if (failure != null) {
            throw new IllegalStateException("SolrCloud did not create collection " + collection + ": " + failure);
        }
    }

    /** The configset as a zip: our solrconfig.xml and the schema with the model's dimension filled in. */
    static byte[] configsetZip(int dim, IndexSettings settings) {
        Map<String, String> values = Map.of("@DIM@", Integer.toString(dim), "@MAX_CONN@", Integer.toString(settings.maxConn()),
                "@BEAM_WIDTH@", Integer.toString(settings.beamWidth()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (String name : CONFIG_FILES) {
                String text = resource("configset/" + name);
                for (Map.Entry<String, String> v : values.entrySet()) {
                    text = text.replace(v.getKey(), v.getValue());
                }
                zip.putNextEntry(new ZipEntry(name));
                zip.write(text.getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SolrCollections.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " beside " + SolrCollections.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * Shards and replicas of the collection as the cluster state has them.
     *
     * @param activeReplicas replicas currently active (on live nodes)
     */
    public record Shape(int shards, int replicas, int activeReplicas, int liveNodes) {}

    static Shape shape(SolrNodes nodes, String collection) {
        NamedList<Object> status = nodes.request(CollectionAdminRequest.getClusterStatus().setCollectionName(collection), null);
        Object cluster = status.get("cluster");
        int shards = 0;
        int replicas = 0;
        int active = 0;
        Object live = field(cluster, "live_nodes");
        for (Object shard : values(field(field(field(cluster, "collections"), collection), "shards"))) {
            shards++;
            for (Object replica : values(field(shard, "replicas"))) {
                replicas++;
                if ("active".equals(field(replica, "state"))) {
                    active++;
                }
            }
        }
        return new Shape(shards, replicas, active, live instanceof List<?> l ? l.size() : 0);
    }

    /** A field of a JSON-like answer, whichever of Solr's map types holds it; null when absent. */
    private static Object field(Object container, String key) {
        if (container instanceof NamedList<?> n) {
            return n.get(key);
        }
        return container instanceof Map<?, ?> m ? m.get(key) : null;
    }

    private static List<Object> values(Object container) {
        List<Object> out = new java.util.ArrayList<>();
        if (container instanceof NamedList<?> n) {
            n.forEach((k, v) -> out.add(v));
        } else if (container instanceof Map<?, ?> m) {
            out.addAll(m.values());
        }
        return out;
    }
}
