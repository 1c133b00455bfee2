package io.openautoglm.server;

/**
 * How one model function coalesces concurrent requests: up to {@code maxBatchSize} items per model
 * call, waiting at most {@code maxWaitMillis} after the first item for more; at most
 * {@code queueCapacity} items wait (beyond that: 429 at once). {@code maxBatchSize = 1} turns
 * batching off (one model call per item).
 */
public record BatchingConfig(int maxBatchSize, int maxWaitMillis, int queueCapacity) {
    public static final BatchingConfig DEFAULT = new BatchingConfig(32, 5, 256);
    public static final BatchingConfig OFF = new BatchingConfig(1, 0, 256);

    public BatchingConfig {
        if (maxBatchSize < 1 || maxBatchSize > 4096) {
            throw new IllegalArgumentException("max batch size must be in 1..4096, got " + maxBatchSize);
        }
        if (maxWaitMillis < 0 || maxWaitMillis > 10_000) {
            throw new IllegalArgumentException("max wait must be in 0..10000 ms, got " + maxWaitMillis);
        }
        if (queueCapacity < 1 || queueCapacity > 1_000_000) {
            throw new IllegalArgumentException("queue capacity must be in 1..1000000, got " + queueCapacity);
        }
    }

    public boolean enabled() {
        return maxBatchSize > 1;
    }
}
