package io.openautoglm.server;

/**
 * How one model function coalesces concurrent requests: up to {@code maxBatchSize} items per model
 * call, waiting at most {@code maxWaitMillis} after the first item for more; at most
 * {@code queueCapacity} items wait, and once the oldest of them has waited {@code maxQueueMillis}
 * the model is "behind" (beyond either: 429 at once). {@code maxBatchSize = 1} turns batching off
 * (one model call per item).
 *
 * <p>The queue-time limit is what bounds the latency of admitted requests under overload: a count
 * limit alone lets a slow model (big pictures, a busy host) hold requests for queue capacity /
 * throughput, seconds on a small machine.
 */
public record BatchingConfig(int maxBatchSize, int maxWaitMillis, int queueCapacity, int maxQueueMillis) {
    /** How long the oldest queued item may have waited before new requests are refused: 1 s. */
    public static final int DEFAULT_MAX_QUEUE_MILLIS = 1000;
    public static final BatchingConfig DEFAULT = new BatchingConfig(32, 5, 256);
    public static final BatchingConfig OFF = new BatchingConfig(1, 0, 256);

    /** With the default queue-time limit ({@link #DEFAULT_MAX_QUEUE_MILLIS}). */
    public BatchingConfig(int maxBatchSize, int maxWaitMillis, int queueCapacity) {
        this(maxBatchSize, maxWaitMillis, queueCapacity, DEFAULT_MAX_QUEUE_MILLIS);
    }

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
        if (maxQueueMillis < 1 || maxQueueMillis > 600_000) {
            throw new IllegalArgumentException("max queue time must be in 1..600000 ms, got " + maxQueueMillis);
        }
    }

    public boolean enabled() {
        return maxBatchSize > 1;
    }
}
