package io.openautoglm.search;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A persistent collection of unit vectors with ids and metadata, searched by cosine similarity.
 * Changes become durable at {@link #commit()}: after a crash the index holds exactly what the
 * last commit held. Every vector must come from the model the index records ({@link #model()}):
 * callers check identity with {@link ModelIdentity#requireSameModel}; the index itself checks
 * each vector's dimension and length.
 *
 * <p>Implementations: {@link LuceneVectorIndex} (HNSW on disk, the default) and
 * {@link ExactVectorIndex} (brute force: small collections, and the ground truth for recall).
 */
public interface VectorIndex extends AutoCloseable {
    /** Candidates a graph search explores when the caller does not say (HNSW's ef; exact search ignores it). */
    int DEFAULT_CANDIDATES = 100;

    IndexSettings settings();

    ModelIdentity model();

    /** Adds the entry, or replaces the one with the same id. */
    void upsert(IndexEntry entry);

    /** Removes the entry with this id, if there is one. */
    void delete(String id);

    /** Live entries, including changes not yet committed. */
    int count();

    /** Every id with the content hash recorded for it (null where none was): what an incremental build compares against. */
    Map<String, String> contentHashes();

    /** The stored entry with this id as a hit (score 1: it is itself), if present: what a thumbnail looks up. */
    Optional<Hit> get(String id);

    /** The stored full-precision vector of an entry (what re-scoring reads), if the id is present. */
    Optional<float[]> vector(String id);

    /**
     * The {@code k} entries most similar to {@code query} among those the filter admits, best first.
     *
     * @param candidates how many the graph search explores (at least k; more is slower and more exact)
     */
    List<Hit> search(float[] query, int k, Filter filter, int candidates);

    default List<Hit> search(float[] query, int k, Filter filter) {
        return search(query, k, filter, Math.max(k, DEFAULT_CANDIDATES));
    }

    /** Makes every change so far durable, atomically. */
    void commit();

    @Override
    void close();

    /** Checks a vector before it goes in or is searched with: the index's dimension, finite, unit length. */
    static void checkVector(float[] v, ModelIdentity model, String what) {
        if (v.length != model.dim()) {
            throw new io.openautoglm.core.UserInputException(what + " has " + v.length + " dimensions; the index holds "
                    + model.dim() + "-dimensional vectors of model " + model.name());
        }
        double norm = 0;
        for (float x : v) {
            if (!Float.isFinite(x)) {
                throw new io.openautoglm.core.UserInputException(what + " has a non-finite value");
            }
            norm += (double) x * x;
        }
        if (model.normalized() && Math.abs(Math.sqrt(norm) - 1) > 1e-3) {
            throw new io.openautoglm.core.UserInputException(what + " has length " + Math.sqrt(norm)
                    + "; the index holds unit-length (L2-normalized) vectors");
        }
    }
}
