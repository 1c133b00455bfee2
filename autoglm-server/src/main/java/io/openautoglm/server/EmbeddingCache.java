package io.openautoglm.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;

/**
 * Bounded embedding cache: (model identity, input kind, SHA-256 of the input's bytes) to its
 * embedding. Texts are keyed by their exact UTF-8 bytes (no normalization we could get wrong:
 * a hit always returns what the model would compute), pictures by the bytes the client sent.
 * Hits, misses and the hit ratio go to the metrics registry.
 */
public final class EmbeddingCache {
    /** What the cache keys on; {@code sha256} is of the text's UTF-8 bytes or the picture file's bytes. */
    public record Key(String modelId, String kind, String sha256) {}

    private final Cache<Key, float[]> cache; // null when off

    public EmbeddingCache(int maxEntries, MeterRegistry registry) {
        if (maxEntries == 0) {
            cache = null;
            return;
        }
        cache = Caffeine.newBuilder().maximumSize(maxEntries).recordStats().build();
        CaffeineCacheMetrics.monitor(registry, cache, "embeddings");
        Gauge.builder("autoglm.cache.hit.ratio", cache, c -> c.stats().hitRate())
                .description("embedding cache hits / lookups since start").register(registry);
    }

    public boolean enabled() {
        return cache != null;
    }

    /** The cached embedding or null; callers must not modify it. */
    public float[] get(Key key) {
        return cache == null ? null : cache.getIfPresent(key);
    }

    public void put(Key key, float[] embedding) {
        if (cache != null) {
            cache.put(key, embedding);
        }
    }

    public long size() {
        return cache == null ? 0 : cache.estimatedSize();
    }
}
