package io.openautoglm.search;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.lucene.util.VectorUtil;

/**
 * Brute force: every search scores every entry, so results are exact. For small collections and
 * as the ground truth that approximate search is measured against. Entries live in memory; a
 * commit writes them all to {@code vectors.bin} atomically (temporary file, fsync, rename), so a
 * crash leaves the previous commit. With no file (in-memory use) commit does nothing. Searches
 * and other reads run concurrently (a read lock); changes take the write lock.
 */
public final class ExactVectorIndex implements VectorIndex {
    static final String FILE = "vectors.bin";
    private static final int MAGIC = 0x41474c58; // "AGLX"
    private static final int VERSION = 1;

    private final IndexSettings settings = IndexSettings.exact();
    private final ModelIdentity model;
    private final Path file; // null: in memory only
    // Dense arrays with an id -> slot map; a delete moves the last entry into the hole.
    private final List<IndexEntry> entries = new ArrayList<>();
    private final Map<String, Integer> slots = new HashMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    private ExactVectorIndex(ModelIdentity model, Path file) {
        this.model = model;
        this.file = file;
    }

    /** An index that lives in memory only (ground truth in benchmarks and tests). */
    public static ExactVectorIndex inMemory(ModelIdentity model) {
        return new ExactVectorIndex(model, null);
    }

    /** Opens the index stored in {@code dir} (empty if it has never been committed). */
    static ExactVectorIndex open(Path dir, ModelIdentity model) {
        ExactVectorIndex index = new ExactVectorIndex(model, dir.resolve(FILE));
        if (Files.exists(index.file)) {
            index.load();
        }
        return index;
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
        lock.writeLock().lock();
        try {
            VectorIndex.checkVector(entry.vector(), model, "the vector of " + entry.id());
            IndexEntry copy = new IndexEntry(entry.id(), entry.vector().clone(), entry.path(), entry.contentSha256(), entry.metadata());
            Integer slot = slots.get(entry.id());
            if (slot != null) {
                entries.set(slot, copy);
            } else {
                slots.put(entry.id(), entries.size());
                entries.add(copy);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void delete(String id) {
        lock.writeLock().lock();
        try {
            Integer slot = slots.remove(id);
            if (slot == null) {
                return;
            }
            IndexEntry last = entries.remove(entries.size() - 1);
            if (slot < entries.size()) {
                entries.set(slot, last);
                slots.put(last.id(), slot);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public int count() {
        lock.readLock().lock();
        try {
            return entries.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Map<String, String> contentHashes() {
        lock.readLock().lock();
        try {
            Map<String, String> out = new HashMap<>();
            entries.forEach(e -> out.put(e.id(), e.contentSha256()));
            return out;
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<Hit> get(String id) {
        lock.readLock().lock();
        try {
            Integer slot = slots.get(id);
            if (slot == null) {
                return Optional.empty();
            }
            IndexEntry e = entries.get(slot);
            return Optional.of(new Hit(e.id(), e.path(), 1f, e.metadata()));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public Optional<float[]> vector(String id) {
        lock.readLock().lock();
        try {
            Integer slot = slots.get(id);
            return slot == null ? Optional.empty() : Optional.of(entries.get(slot).vector().clone());
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<Hit> search(float[] query, int k, Filter filter, int candidates) {
        lock.readLock().lock();
        try {
            VectorIndex.checkVector(query, model, "the query");
            if (k < 1) {
                throw new UserInputException("k must be at least 1, got " + k);
            }
            // A min-heap of the best k so far: the root is the one to evict. Ties keep the earlier entry.
            PriorityQueue<Scored> best = new PriorityQueue<>(k + 1,
                    (a, b) -> a.score != b.score ? Float.compare(a.score, b.score) : Integer.compare(b.slot, a.slot));
            for (int i = 0; i < entries.size(); i++) {
                IndexEntry e = entries.get(i);
                if (!filter.isEmpty() && !filter.matches(e.metadata())) {
                    continue;
                }
                float score = VectorUtil.dotProduct(query, e.vector());
                if (best.size() < k) {
                    best.add(new Scored(i, score));
                } else if (score > best.peek().score) {
                    best.poll();
                    best.add(new Scored(i, score));
                }
            }
            Hit[] hits = new Hit[best.size()];
            for (int i = hits.length - 1; i >= 0; i--) {
                Scored s = best.poll();
                IndexEntry e = entries.get(s.slot);
                hits[i] = new Hit(e.id(), e.path(), s.score, e.metadata());
            }
            return List.of(hits);
        } finally {
            lock.readLock().unlock();
        }
    }

    private record Scored(int slot, float score) {}

    @Override
    public void commit() {
        lock.writeLock().lock();
        try {
            if (file == null) {
                return;
            }
            try {
                AtomicFiles.write(file, raw -> {
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16));
                    out.writeInt(MAGIC);
                    out.writeInt(VERSION);
                    out.writeInt(model.dim());
                    out.writeInt(entries.size());
                    for (IndexEntry e : entries) {
                        out.writeUTF(e.id());
                        writeNullable(out, e.path());
                        writeNullable(out, e.contentSha256());
                        out.writeInt(e.metadata().size());
                        for (Map.Entry<String, String> m : e.metadata().entrySet()) {
                            out.writeUTF(m.getKey());
                            out.writeUTF(m.getValue());
                        }
                        for (float x : e.vector()) {
                            out.writeFloat(x);
                        }
                    }
                    out.flush();
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void load() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (in.readInt() != MAGIC || in.readInt() != VERSION) {
                throw new UserInputException(file + " is not an exact vector index of this version");
            }
            int dim = in.readInt();
            if (dim != model.dim()) {
                throw new UserInputException(file + " holds " + dim + "-dimensional vectors but its index.json says " + model.dim());
            }
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String id = in.readUTF();
                String path = readNullable(in);
                String sha = readNullable(in);
                int m = in.readInt();
                Map<String, String> metadata = new LinkedHashMap<>();
                for (int j = 0; j < m; j++) {
                    metadata.put(in.readUTF(), in.readUTF());
                }
                float[] v = new float[dim];
                for (int d = 0; d < dim; d++) {
                    v[d] = in.readFloat();
                }
                slots.put(id, entries.size());
                entries.add(new IndexEntry(id, v, path, sha, metadata));
            }
        } catch (java.io.EOFException e) {
            throw new UserInputException(file + " is truncated; it is written atomically, so something else cut it: rebuild the index");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    @Override
    public void close() {
        // Nothing held open: uncommitted changes are simply dropped, as in the Lucene index.
    }
}
