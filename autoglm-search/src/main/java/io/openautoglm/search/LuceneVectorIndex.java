package io.openautoglm.search;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.BytesRef;

/**
 * The default index: Apache Lucene's HNSW graph on disk ({@code KnnFloatVectorField} with dot
 * product on unit vectors, optionally int8 scalar-quantized). One Lucene document per entry: the
 * id, path and content hash as stored fields, the metadata as stored JSON plus one indexed
 * keyword field per key ({@code m.label}) that filters match on. Durability is Lucene's commit:
 * a kill at any moment leaves the last commit intact, and the next writer cleans up the rest.
 */
public final class LuceneVectorIndex implements VectorIndex {
    static final String ID = "id";
    static final String PATH = "path";
    static final String SHA = "sha256";
    static final String METADATA = "metadata";
    static final String VECTOR = "vector";
    static final String FILTER_PREFIX = "m.";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

    private final IndexSettings settings;
    private final ModelIdentity model;
    private final Directory directory;
    private final IndexWriter writer; // null when opened read-only
    private SearcherManager searchers; // null while a read-only index has no commit yet
    private volatile boolean stale;

    private LuceneVectorIndex(IndexSettings settings, ModelIdentity model, Directory directory, IndexWriter writer)
            throws IOException {
        this.settings = settings;
        this.model = model;
        this.directory = directory;
        this.writer = writer;
        if (writer != null) {
            this.searchers = new SearcherManager(writer, null);
        } else if (DirectoryReader.indexExists(directory)) {
            this.searchers = new SearcherManager(directory, null);
        }
    }

    /**
     * Opens (creating when empty) the Lucene index in {@code dir}.
     *
     * @param writable false to only search: no write lock is taken, so searches run while a build does
     */
    static LuceneVectorIndex open(Path dir, IndexSettings settings, ModelIdentity model, boolean writable) {
        try {
            Directory directory = FSDirectory.open(dir);
            try {
                IndexWriter writer = null;
                if (writable) {
                    IndexWriterConfig config = new IndexWriterConfig()
                            .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                            .setCodec(codec(settings))
                            .setRAMBufferSizeMB(256)
                            .setCommitOnClose(false); // only explicit commits count
                    writer = new IndexWriter(directory, config);
                }
                return new LuceneVectorIndex(settings, model, directory, writer);
            } catch (IOException | RuntimeException e) {
                directory.close();
                throw e;
            }
        } catch (org.apache.lucene.store.LockObtainFailedException e) {
            throw new io.openautoglm.core.UserInputException("index " + dir.getParent()
                    + " is being written by another process (a running build); wait for it or stop it");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the Lucene index in " + dir, e);
        }
    }

    /** Lucene's current codec with our vector format on every vector field. */
    private static Codec codec(IndexSettings settings) {
        KnnVectorsFormat format = settings.quantization() == IndexSettings.Quantization.int8
                ? new Lucene99HnswScalarQuantizedVectorsFormat(settings.maxConn(), settings.beamWidth(), 1, 7, false, null, null)
                : new Lucene99HnswVectorsFormat(settings.maxConn(), settings.beamWidth());
        return new Lucene912Codec() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return format;
            }
        };
    }

    @Override
    public IndexSettings settings() {
        return settings;
    }

    @Override
    public ModelIdentity model() {
        return model;
    }

    @Override
    public void upsert(IndexEntry entry) {
        requireWritable();
        VectorIndex.checkVector(entry.vector(), model, "the vector of " + entry.id());
        Document doc = new Document();
        doc.add(new StringField(ID, entry.id(), Field.Store.YES));
        if (entry.path() != null) {
            doc.add(new StoredField(PATH, entry.path()));
        }
        if (entry.contentSha256() != null) {
            doc.add(new StoredField(SHA, entry.contentSha256()));
        }
        try {
            doc.add(new StoredField(METADATA, JSON.writeValueAsString(entry.metadata())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        entry.metadata().forEach((k, v) -> doc.add(new StringField(FILTER_PREFIX + k, v, Field.Store.NO)));
        doc.add(new KnnFloatVectorField(VECTOR, entry.vector(), VectorSimilarityFunction.DOT_PRODUCT));
        try {
            writer.updateDocument(new Term(ID, entry.id()), doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stale = true;
    }

    @Override
    public void delete(String id) {
        requireWritable();
        try {
            writer.deleteDocuments(new Term(ID, id));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stale = true;
    }

    @Override
    public int count() {
        return withSearcher(s -> s.getIndexReader().numDocs(), 0);
    }

    @Override
    public Map<String, String> contentHashes() {
        return withSearcher(s -> {
            Map<String, String> out = new HashMap<>();
            for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
                Bits live = leaf.reader().getLiveDocs();
                StoredFields stored = leaf.reader().storedFields();
                for (int d = 0; d < leaf.reader().maxDoc(); d++) {
                    if (live == null || live.get(d)) {
                        Document doc = stored.document(d, Set.of(ID, SHA));
                        out.put(doc.get(ID), doc.get(SHA));
                    }
                }
            }
            return out;
        }, Map.of());
    }

    @Override
    public Optional<Hit> get(String id) {
        return withSearcher(s -> {
            TopDocs top = s.search(new TermQuery(new Term(ID, id)), 1);
            if (top.scoreDocs.length == 0) {
                return Optional.<Hit>empty();
            }
            Document doc = s.storedFields().document(top.scoreDocs[0].doc);
            return Optional.of(new Hit(doc.get(ID), doc.get(PATH), 1f, JSON.readValue(doc.get(METADATA), STRING_MAP)));
        }, Optional.empty());
    }

    @Override
    public Optional<float[]> vector(String id) {
        return withSearcher(s -> {
            TopDocs top = s.search(new TermQuery(new Term(ID, id)), 1);
            if (top.scoreDocs.length == 0) {
                return Optional.<float[]>empty();
            }
            int doc = top.scoreDocs[0].doc;
            LeafReaderContext leaf = s.getIndexReader().leaves().get(ReaderUtil.subIndex(doc, s.getIndexReader().leaves()));
            FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
            int local = doc - leaf.docBase;
            if (values == null || values.advance(local) != local) {
                return Optional.<float[]>empty();
            }
            return Optional.of(values.vectorValue().clone());
        }, Optional.empty());
    }

    @Override
    public List<Hit> search(float[] query, int k, Filter filter, int candidates) {
        VectorIndex.checkVector(query, model, "the query");
        if (k < 1) {
            throw new io.openautoglm.core.UserInputException("k must be at least 1, got " + k);
        }
        return withSearcher(s -> {
            Query knn = new KnnFloatVectorQuery(VECTOR, query, Math.max(k, candidates), toQuery(filter));
            TopDocs top = s.search(knn, k);
            StoredFields stored = s.storedFields();
            List<Hit> hits = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) {
                Document doc = stored.document(sd.doc);
                // Lucene scores unit-vector dot products as (1 + cos) / 2; we report the cosine.
                hits.add(new Hit(doc.get(ID), doc.get(PATH), 2 * sd.score - 1, JSON.readValue(doc.get(METADATA), STRING_MAP)));
            }
            return hits;
        }, List.of());
    }

    /** AND across keys, OR across the values of one key; null for no filter. */
    private static Query toQuery(Filter filter) {
        if (filter.isEmpty()) {
            return null;
        }
        BooleanQuery.Builder all = new BooleanQuery.Builder();
        filter.allowed().forEach((key, values) -> all.add(
                new TermInSetQuery(FILTER_PREFIX + key, values.stream().map(BytesRef::new).toList()), BooleanClause.Occur.FILTER));
        return all.build();
    }

    @Override
    public void commit() {
        requireWritable();
        try {
            writer.commit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Segments in the last commit (or the writer's latest view): each has its own HNSW graph, searched one after the other. */
    public int segments() {
        return withSearcher(s -> s.getIndexReader().leaves().size(), 0);
    }

    /**
     * Waits for the merges Lucene's merge policy has started in the background (a close would
     * abort them) and for any they lead to; commit afterwards to keep the merged segments.
     */
    public void waitForMerges() {
        requireWritable();
        try {
            do {
                writer.maybeMerge();
                if (writer.getConfig().getMergeScheduler() instanceof ConcurrentMergeScheduler merges) {
                    merges.sync();
                }
            } while (writer.hasPendingMerges());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stale = true;
    }

    /** Merges the index into one segment: a faster graph search after a bulk build (benchmarks). */
    public void forceMerge() {
        requireWritable();
        try {
            writer.forceMerge(1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stale = true;
    }

    @FunctionalInterface
    private interface SearcherFunction<T> {
        T apply(IndexSearcher searcher) throws IOException;
    }

    private <T> T withSearcher(SearcherFunction<T> f, T whenEmpty) {
        if (searchers == null) {
            return whenEmpty;
        }
        try {
            if (stale) {
                stale = false;
                searchers.maybeRefreshBlocking();
            }
            IndexSearcher s = searchers.acquire();
            try {
                return f.apply(s);
            } finally {
                searchers.release(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void requireWritable() {
        if (writer == null) {
            throw new IllegalStateException("this index was opened read-only");
        }
    }

    @Override
    public void close() {
        try {
            if (searchers != null) {
                searchers.close();
            }
            if (writer != null) {
                writer.rollback(); // drops uncommitted changes and releases the write lock
            }
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
