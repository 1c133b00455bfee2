package io.openautoglm.server;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * One model function behind one bounded queue and one worker thread: concurrent callers'
 * items are coalesced into batches of at most {@code maxBatchSize}, waiting at most
 * {@code maxWaitMillis} after the first item of a batch. A full queue, or one whose oldest item
 * has waited {@code maxQueueMillis} (the model is behind), refuses at once ({@link ApiException}
 * 429 with Retry-After), so memory and the wait of accepted items stay bounded whatever the
 * request rate.
 * Items whose caller gave up (timed out, cancelled) are dropped before they cost model time.
 *
 * @param <I> one input (a text, a decoded picture)
 * @param <O> its output (an embedding)
 */
public final class MicroBatcher<I, O> implements AutoCloseable {
    private record Pending<I, O>(I input, CompletableFuture<O> result, long enqueuedNanos) {}

    private final String name;
    private final BatchingConfig config;
    private final Function<List<I>, List<O>> model;
    private final IntSupplier requestsInFlight;
    private final BlockingQueue<Pending<I, O>> queue;
    private final Thread worker;
    private final DistributionSummary batchSizes;
    private final Timer modelTime;
    private volatile boolean closing;

    /**
     * @param name  the model function, for metrics ({@code function} tag) and the thread name
     * @param model a batch of inputs to their outputs, same order and size; called on one thread
     */
    public MicroBatcher(String name, BatchingConfig config, Function<List<I>, List<O>> model, MeterRegistry registry) {
        this(name, config, model, () -> Integer.MAX_VALUE, registry);
    }

    /**
     * @param requestsInFlight how many requests the server holds now; a batch waits for more
     *                         items only while more requests are in flight than it has items, so
     *                         a lone request (concurrency 1) runs at once instead of paying the
     *                         {@code maxWaitMillis} window for company that cannot come
     */
    public MicroBatcher(String name, BatchingConfig config, Function<List<I>, List<O>> model, IntSupplier requestsInFlight,
            MeterRegistry registry) {
        this.name = name;
        this.config = config;
        this.model = model;
        this.requestsInFlight = requestsInFlight;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.batchSizes = DistributionSummary.builder("autoglm.batch.size")
                .description("items per model call").tag("function", name)
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                .register(registry);
        this.modelTime = Timer.builder("autoglm.model.batch")
                .description("model time per batch").tag("function", name)
                .serviceLevelObjectives(ServerMetrics.LATENCY_BUCKETS)
                .register(registry);
        Gauge.builder("autoglm.queue.depth", queue, BlockingQueue::size)
                .description("items waiting for the model").tag("function", name)
                .register(registry);
        Gauge.builder("autoglm.queue.oldest.wait", this, b -> b.oldestWaitMillis() / 1000.0)
                .description("how long the oldest waiting item has waited, in seconds").tag("function", name)
                .baseUnit("seconds").register(registry);
        this.worker = new Thread(this::run, "autoglm-batcher-" + name);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /** Queues one item; the future completes with its output or the model's exception. */
    public CompletableFuture<O> submit(I input) {
        return submit(input, true);
    }

    /**
     * As {@link #submit(Object)}; {@code arriving} false for the later items of a request already
     * under way (its pictures are submitted one by one as they are decoded), which the backlog
     * rule must not refuse half-way: that rule is for new work, the full queue still applies.
     */
    public CompletableFuture<O> submit(I input, boolean arriving) {
        if (closing) {
            throw new ApiException(503, "shutting_down", "the server is shutting down", 1);
        }
        String behind = arriving ? behind() : null;
        if (behind != null) {
            throw new ApiException(429, "overloaded", behind + "; retry shortly", 1);
        }
        CompletableFuture<O> result = new CompletableFuture<>();
        if (!queue.offer(new Pending<>(input, result, System.nanoTime()))) {
            throw new ApiException(429, "overloaded", "the " + name + " queue is full ("
                    + config.queueCapacity() + " items waiting); retry shortly", 1);
        }
        return result;
    }

    /** How long the oldest item still waiting for the model has waited; 0 when none waits. */
    public long oldestWaitMillis() {
        Pending<I, O> oldest = queue.peek();
        return oldest == null ? 0 : WaitLine.millisSince(oldest.enqueuedNanos());
    }

    /**
     * Null while the model keeps up; otherwise why a new item would wait too long: the oldest
     * waiting item has waited longer than {@code maxQueueMillis}.
     */
    public String behind() {
        return WaitLine.behind("the " + name + " model", "queued item", oldestWaitMillis(), config.maxQueueMillis());
    }

    public int queueDepth() {
        return queue.size();
    }

    public BatchingConfig config() {
        return config;
    }

    private void run() {
        List<Pending<I, O>> batch = new ArrayList<>(config.maxBatchSize());
        while (true) {
            try {
                Pending<I, O> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.maxWaitMillis());
                while (batch.size() < config.maxBatchSize()) {
                    // Take what is already there without waiting, then wait out the rest of the window.
                    if (queue.drainTo(batch, config.maxBatchSize() - batch.size()) > 0) {
                        continue;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || requestsInFlight.getAsInt() <= batch.size()) {
                        break; // the window is over, or nobody else is in flight to fill it
                    }
                    Pending<I, O> next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                runBatch(batch);
            } catch (InterruptedException e) {
                failAll(batch, new ApiException(503, "shutting_down", "the server is shutting down", 1));
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void runBatch(List<Pending<I, O>> batch) {
        batch.removeIf(p -> p.result().isDone()); // the caller timed out or went away
        if (batch.isEmpty()) {
            return;
        }
        List<I> inputs = new ArrayList<>(batch.size());
        for (Pending<I, O> p : batch) {
            inputs.add(p.input());
        }
        batchSizes.record(batch.size());
        long start = System.nanoTime();
        try {
            List<O> outputs = model.apply(inputs);
            modelTime.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(outputs.get(i));
            }
        } catch (RuntimeException e) {
            if (batch.size() == 1) {
                failAll(batch, e);
                return;
            }
            // One bad item (a picture the preprocessing refuses) must not fail the others batched
            // with it: run each alone, so only the culprit's request sees the error.
            for (Pending<I, O> p : batch) {
                try {
                    p.result().complete(model.apply(List.of(p.input())).get(0));
                } catch (RuntimeException alone) {
                    p.result().completeExceptionally(alone);
                }
            }
        } catch (Error e) {
            failAll(batch, e);
        }
    }

    private static <I, O> void failAll(List<Pending<I, O>> batch, Throwable e) {
        for (Pending<I, O> p : batch) {
            p.result().completeExceptionally(e);
        }
    }

    /** Refuses new items, lets the worker finish what is queued (bounded wait), then stops it. */
    @Override
    public void close() {
        closing = true;
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
        List<Pending<I, O>> left = new ArrayList<>();
        queue.drainTo(left);
        failAll(left, new ApiException(503, "shutting_down", "the server is shutting down", 1));
    }
}
