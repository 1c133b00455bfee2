package io.openautoglm.solr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.search.Filter;
import io.openautoglm.search.Hit;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.VectorIndex;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.solr.client.solrj.request.AbstractUpdateRequest;
import org.apache.solr.client.solrj.request.QueryRequest;
import org.apache.solr.client.solrj.request.UpdateRequest;
import org.apache.solr.client.solrj.response.QueryResponse;
import org.apache.solr.client.solrj.util.ClientUtils;
import org.apache.solr.common.SolrDocument;
import org.apache.solr.common.SolrDocumentList;
import org.apache.solr.common.SolrInputDocument;
import org.apache.solr.common.params.CursorMarkParams;
import org.apache.solr.common.params.ModifiableSolrParams;

/**
 * A {@link VectorIndex} on a SolrCloud collection: one Solr document per entry (id, path, content
 * hash, metadata, and the vector in a {@code solr.DenseVectorField}, HNSW with cosine), searched
 * with {@code {!knn}} queries whose metadata conditions are filter queries (Solr applies them
 * before the graph search, so a filtered search still returns k hits when k match). The
 * collection records the model that filled it in one more document ({@value #MODEL_DOC}) and
 * refuses any other model.
 *
 * <p>Writes are buffered and sent in batches; {@link #commit()} sends what is buffered and makes
 * it durable and searchable (a hard commit on every shard). Reads see the entries sent so far
 * (a soft commit first when something changed), as the Lucene index's reads see uncommitted
 * changes. A client killed between commits loses only what it had not sent; an incremental
 * build run again re-sends the rest (entries carry the picture's SHA-256, unchanged ones are
 * skipped).
 */
public final class SolrVectorIndex implements VectorIndex {
    /** The id of the document that records the model; entry ids may not start with {@value #RESERVED}. */
    public static final String MODEL_DOC = "_autoglm_model";
    static final String RESERVED = "_autoglm";
    static final String ID = "id";
    static final String KIND = "kind";
    static final String PATH = "path";
    static final String SHA = "sha256";
    static final String METADATA = "metadata";
    static final String VECTOR = "vector";
    static final String MODEL = "model";
    static final String FILTER_PREFIX = "meta_";
    private static final String ENTRY_KIND = "entry";
    private static final String MODEL_KIND = "model";
    private static final String ENTRIES = KIND + ":" + ENTRY_KIND;
    /** Entries buffered before they are sent in one update request. */
    static final int SEND_BATCH = 200;
    private static final int PAGE = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final SolrNodes nodes;
    private final String collection;
    private final IndexSettings settings;
    private final ModelIdentity model;
    private final String createdAt;
    private final boolean writable;
    private final Map<String, SolrInputDocument> unsent = new LinkedHashMap<>();
    private boolean unseen; // sent, not yet visible to searches

    private SolrVectorIndex(SolrNodes nodes, IndexSettings settings, ModelIdentity model, String createdAt, boolean writable) {
        this.nodes = nodes;
        this.collection = nodes.location().collection();
        this.settings = settings;
        this.model = model;
        this.createdAt = createdAt;
        this.writable = writable;
    }

    /**
     * Opens the collection for writing with {@code model}, creating it (with {@code layout} and a
     * schema for the model's dimension) when it does not exist. An existing collection must hold
     * this model's vectors.
     */
    public static SolrVectorIndex create(SolrLocation location, IndexSettings settings, ModelIdentity model, CollectionLayout layout) {
        if (settings.kind() != IndexSettings.Kind.hnsw || settings.quantization() != IndexSettings.Quantization.none) {
            throw new UserInputException("a SolrCloud index is HNSW over float32 vectors; --kind " + settings.kind()
                    + " --quantization " + settings.quantization() + " apply to an index folder only");
        }
        SolrNodes nodes = SolrNodes.connect(location);
        try {
            if (!SolrCollections.exists(nodes, location.collection())) {
                SolrCollections.create(nodes, location.collection(), model.dim(), settings, layout);
            }
            Optional<SolrDocument> marker = modelDocument(nodes, location.collection());
            if (marker.isPresent()) {
                SolrVectorIndex index = fromMarker(nodes, marker.get(), true);
                index.model.requireSameModel(model, "SolrCloud collection " + location,
                        "use the collection's own model, or build a new collection with this one");
                return index;
            }
            requireEmpty(nodes, location);
            String createdAt = Instant.now().toString();
            writeMarker(nodes, location.collection(), settings, model, createdAt);
            return new SolrVectorIndex(nodes, settings, model, createdAt, true);
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
    }

    /** Opens an existing collection to search it; one clear error when it does not exist or is not an autoglm index. */
    public static SolrVectorIndex open(SolrLocation location) {
        SolrNodes nodes = SolrNodes.connect(location);
        try {
            if (!SolrCollections.exists(nodes, location.collection())) {
                throw new UserInputException("SolrCloud has no collection '" + location.collection() + "' (" + location
                        + "); create it with: autoglm index build --index " + location + " --images DIR");
            }
            SolrDocument marker = modelDocument(nodes, location.collection()).orElseThrow(() -> new UserInputException(
                    "SolrCloud collection " + location + " is not an autoglm index (it has no " + MODEL_DOC + " document)"));
            return fromMarker(nodes, marker, false);
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
    }

    /**
     * The collection opened to search when it exists and records a model; empty when there is no
     * such collection yet, or it is an empty one without our model document (what a build creates
     * or takes over). Lets a build learn the collection's model before it loads one.
     */
    public static Optional<SolrVectorIndex> openIfFilled(SolrLocation location) {
        SolrNodes nodes = SolrNodes.connect(location);
        try {
            if (!SolrCollections.exists(nodes, location.collection())) {
                nodes.close();
                return Optional.empty();
            }
            Optional<SolrDocument> marker = modelDocument(nodes, location.collection());
            if (marker.isEmpty()) {
                requireEmpty(nodes, location);
                nodes.close();
                return Optional.empty();
            }
            return Optional.of(fromMarker(nodes, marker.get(), false));
        } catch (RuntimeException e) {
            nodes.close();
            throw e;
        }
    }

    private static SolrVectorIndex fromMarker(SolrNodes nodes, SolrDocument marker, boolean writable) {
        JsonNode recorded;
        try {
            recorded = JSON.readTree(String.valueOf(marker.getFirstValue(MODEL)));
        } catch (JsonProcessingException e) {
            throw new UserInputException("the " + MODEL_DOC + " document of " + nodes.location() + " is not readable: "
                    + e.getOriginalMessage());
        }
        return new SolrVectorIndex(nodes, IndexSettings.fromJson(recorded.path("settings")),
                ModelIdentity.fromJson(recorded.path("model")), recorded.path("created_at").asText(null), writable);
    }

    /** A collection without our model document is only taken over when it is empty (a build that died right after creating it). */
    private static void requireEmpty(SolrNodes nodes, SolrLocation location) {
        ModifiableSolrParams params = new ModifiableSolrParams().set("q", "*:*").set("rows", 0);
        long docs = nodes.query(new QueryRequest(params), location.collection()).getResults().getNumFound();
        if (docs > 0) {
            throw new UserInputException("SolrCloud collection " + location + " holds " + docs
                    + " documents but is not an autoglm index (no " + MODEL_DOC + " document); choose another collection name");
        }
    }

    private static void writeMarker(SolrNodes nodes, String collection, IndexSettings settings, ModelIdentity model, String createdAt) {
        ObjectNode recorded = JSON.createObjectNode();
        recorded.put("format", "open-autoglm-index");
        recorded.set("settings", settings.toJson());
        recorded.set("model", model.toJson());
        recorded.put("created_at", createdAt);
        SolrInputDocument doc = new SolrInputDocument();
        doc.addField(ID, MODEL_DOC);
        doc.addField(KIND, MODEL_KIND);
        doc.addField(MODEL, recorded.toString());
        UpdateRequest update = new UpdateRequest().add(doc);
        update.setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true);
        nodes.request(update, collection);
    }

    private static Optional<SolrDocument> modelDocument(SolrNodes nodes, String collection) {
        return realTimeGet(nodes, collection, List.of(MODEL_DOC), ID + "," + MODEL).stream().findFirst();
    }

    /** Solr's real-time get: the latest version of each document, committed or not. */
    private static SolrDocumentList realTimeGet(SolrNodes nodes, String collection, List<String> ids, String fields) {
        // One "id" parameter per id (not "ids", which splits on commas): any id may hold a comma.
        ModifiableSolrParams params = new ModifiableSolrParams().set("id", ids.toArray(String[]::new)).set("fl", fields);
        QueryRequest get = new QueryRequest(params);
        get.setPath("/get");
        org.apache.solr.common.util.NamedList<Object> answer = nodes.request(get, collection);
        if (ids.size() == 1 && answer.indexOf("doc", 0) >= 0) {
            // One "id" parameter: Solr answers {"doc": DOC or null} instead of a document list.
            SolrDocumentList one = new SolrDocumentList();
            if (answer.get("doc") instanceof SolrDocument doc) {
                one.add(doc);
            }
            return one;
        }
        SolrDocumentList docs = new QueryResponse(answer, null).getResults();
        return docs == null ? new SolrDocumentList() : docs;
    }

    @Override
    public IndexSettings settings() {
        return settings;
    }

    @Override
    public ModelIdentity model() {
        return model;
    }

    /** When the collection was first filled (ISO-8601), as its model document records. */
    public String createdAt() {
        return createdAt;
    }

    public SolrLocation location() {
        return nodes.location();
    }

    /** Shards, replicas and live nodes as the cluster state reports them now. */
    public SolrCollections.Shape shape() {
        return SolrCollections.shape(nodes, collection);
    }

    @Override
    public void upsert(IndexEntry entry) {
        requireWritable();
        if (entry.id().startsWith(RESERVED)) {
            throw new UserInputException("entry id '" + entry.id() + "' cannot go into a SolrCloud index: ids may not start with "
                    + RESERVED + " (the collection's own documents)");
        }
        VectorIndex.checkVector(entry.vector(), model, "the vector of " + entry.id());
        SolrInputDocument doc = new SolrInputDocument();
        doc.addField(ID, entry.id());
        doc.addField(KIND, ENTRY_KIND);
        if (entry.path() != null) {
            doc.addField(PATH, entry.path());
        }
        if (entry.contentSha256() != null) {
            doc.addField(SHA, entry.contentSha256());
        }
        try {
            doc.addField(METADATA, JSON.writeValueAsString(entry.metadata()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        entry.metadata().forEach((k, v) -> doc.addField(filterField(k), v));
        List<Float> vector = new ArrayList<>(entry.vector().length);
        for (float x : entry.vector()) {
            vector.add(x);
        }
        doc.addField(VECTOR, vector);
        unsent.remove(entry.id()); // the newest version goes last
        unsent.put(entry.id(), doc);
        if (unsent.size() >= SEND_BATCH) {
            send();
        }
    }

    @Override
    public void delete(String id) {
        requireWritable();
        send();
        nodes.request(new UpdateRequest().deleteById(id), collection);
        unseen = true;
    }

    /** Sends the buffered entries in one update request (Solr forwards each to its shard's leader). */
    private void send() {
        if (unsent.isEmpty()) {
            return;
        }
        nodes.request(new UpdateRequest().add(new ArrayList<>(unsent.values())), collection);
        unsent.clear();
        unseen = true;
    }

    /** Sends what is buffered and opens a searcher on it (a soft commit: visible, not yet durable). */
    private void refresh() {
        if (writable) {
            send();
        }
        if (unseen) {
            UpdateRequest soft = new UpdateRequest();
            soft.setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true, true);
            nodes.request(soft, collection);
            unseen = false;
        }
    }

    @Override
    public int count() {
        refresh();
        ModifiableSolrParams params = new ModifiableSolrParams().set("q", "*:*").set("fq", ENTRIES).set("rows", 0);
        return Math.toIntExact(query(params).getResults().getNumFound());
    }

    @Override
    public Map<String, String> contentHashes() {
        refresh();
        Map<String, String> out = new HashMap<>();
        String cursor = CursorMarkParams.CURSOR_MARK_START;
        while (true) {
            ModifiableSolrParams params = new ModifiableSolrParams().set("q", "*:*").set("fq", ENTRIES)
                    .set("fl", ID + "," + SHA).set("sort", ID + " asc").set("rows", PAGE)
                    .set(CursorMarkParams.CURSOR_MARK_PARAM, cursor);
            QueryResponse page = query(params);
            for (SolrDocument doc : page.getResults()) {
                out.put((String) doc.getFirstValue(ID), (String) doc.getFirstValue(SHA));
            }
            if (cursor.equals(page.getNextCursorMark())) {
                return out;
            }
            cursor = page.getNextCursorMark();
        }
    }

    @Override
    public Optional<Hit> get(String id) {
        return entry(id, ID + "," + PATH + "," + METADATA).map(doc -> toHit(doc, 1f));
    }

    @Override
    public Optional<float[]> vector(String id) {
        return entry(id, ID + "," + VECTOR).map(doc -> {
            List<?> values = List.copyOf(doc.getFieldValues(VECTOR));
            float[] v = new float[values.size()]; // (D,)
            for (int i = 0; i < v.length; i++) {
                v[i] = ((Number) values.get(i)).floatValue();
            }
            return v;
        });
    }

    private Optional<SolrDocument> entry(String id, String fields) {
        if (id.startsWith(RESERVED)) {
            return Optional.empty();
        }
        if (writable) {
            send();
        }
        return realTimeGet(nodes, collection, List.of(id), fields).stream().findFirst();
    }

    @Override
    public List<Hit> search(float[] query, int k, Filter filter, int candidates) {
        VectorIndex.checkVector(query, model, "the query");
        if (k < 1) {
            throw new UserInputException("k must be at least 1, got " + k);
        }
        refresh();
        ModifiableSolrParams params = new ModifiableSolrParams()
                .set("q", "{!knn f=" + VECTOR + " topK=" + Math.max(k, candidates) + "}" + vectorText(query))
                .set("fl", ID + "," + PATH + "," + METADATA + ",score")
                .set("rows", k);
        for (String fq : filterQueries(filter)) {
            params.add("fq", fq);
        }
        List<Hit> hits = new ArrayList<>();
        for (SolrDocument doc : query(params).getResults()) {
            // Solr scores cosine as (1 + cos) / 2; we report the cosine.
            hits.add(toHit(doc, 2 * ((Number) doc.getFirstValue("score")).floatValue() - 1));
        }
        return hits;
    }

    /** One filter query per key: AND across keys, OR across the values of one key. */
    static List<String> filterQueries(Filter filter) {
        List<String> out = new ArrayList<>();
        filter.allowed().forEach((key, values) -> out.add(filterField(key) + ":("
                + String.join(" OR ", values.stream().sorted().map(v -> "\"" + ClientUtils.escapeQueryChars(v) + "\"").toList())
                + ")"));
        return out;
    }

    /**
     * The field a metadata key is filtered on: {@code meta_} and the key, each character outside
     * {@code [A-Za-z0-9]} written as {@code _XX} per UTF-8 byte, so any key is a plain Solr field name
     * and two keys never share a field.
     */
    static String filterField(String key) {
        StringBuilder out = new StringBuilder(FILTER_PREFIX);
        for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                out.append(c);
            } else {
                out.append('_').append(String.format(Locale.ROOT, "%02x", b & 0xff));
            }
        }
        return out.toString();
    }

    /** {@code [0.1,-0.2,...]}: Float.toString round-trips every float exactly. */
    private static String vectorText(float[] v) {
        StringBuilder out = new StringBuilder(v.length * 12).append('[');
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(Float.toString(v[i]));
        }
        return out.append(']').toString();
    }

    private static Hit toHit(SolrDocument doc, float score) {
        Map<String, String> metadata;
        try {
            Object json = doc.getFirstValue(METADATA);
            metadata = json == null ? Map.of() : JSON.readValue(json.toString(), STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable metadata of " + doc.getFirstValue(ID), e);
        }
        return new Hit((String) doc.getFirstValue(ID), (String) doc.getFirstValue(PATH), score, metadata);
    }

    private QueryResponse query(ModifiableSolrParams params) {
        return nodes.query(new QueryRequest(params, org.apache.solr.client.solrj.SolrRequest.METHOD.POST), collection);
    }

    @Override
    public void commit() {
        requireWritable();
        send();
        UpdateRequest hard = new UpdateRequest();
        hard.setAction(AbstractUpdateRequest.ACTION.COMMIT, true, true);
        nodes.request(hard, collection);
        unseen = false;
    }

    private void requireWritable() {
        if (!writable) {
            throw new IllegalStateException("this index was opened to search only");
        }
    }

    /** Closes the connections; entries buffered since the last commit are not sent. */
    @Override
    public void close() {
        unsent.clear();
        nodes.close();
    }
}
