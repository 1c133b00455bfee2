package io.openautoglm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The batcher with a plain function as its model: coalescing, refusal when full, skipping abandoned items. */
class MicroBatcherTest {
    /** A model whose first call blocks until released, recording the batches it sees. */
    static final class GatedModel {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<List<Integer>> calls = new CopyOnWriteArrayList<>();

        List<Integer> apply(List<Integer> batch) {
            calls.add(List.copyOf(batch));
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return batch.stream().map(x -> x * 10).toList();
        }
    }

    @Test
    void itemsThatArriveWhileTheModelIsBusyGoTogetherInOrder() throws Exception {
        GatedModel model = new GatedModel();
        try (MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", new BatchingConfig(8, 50, 100), model::apply,
                new SimpleMeterRegistry())) {
            CompletableFuture<Integer> first = b.submit(0);
            assertThat(model.entered.await(5, TimeUnit.SECONDS)).isTrue();
            List<CompletableFuture<Integer>> rest = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                rest.add(b.submit(i));
            }
            model.release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
            for (int i = 0; i < rest.size(); i++) {
                assertThat(rest.get(i).get(5, TimeUnit.SECONDS)).isEqualTo((i + 1) * 10);
            }
            assertThat(model.calls).containsExactly(List.of(0), List.of(1, 2, 3, 4, 5, 6, 7, 8), List.of(9, 10));
        }
    }

    @Test
    void oneBadItemInABatchFailsOnlyItsOwnCaller() throws Exception {
        // The model refuses the item -1 (as the preprocessing refuses a picture) and so fails any
        // batch holding it; the good items batched with it must still get their answers.
        GatedModel gate = new GatedModel();
        List<List<Integer>> calls = new CopyOnWriteArrayList<>();
        try (MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", new BatchingConfig(8, 50, 100), batch -> {
            calls.add(List.copyOf(batch));
            if (batch.equals(List.of(0))) {
                return gate.apply(batch);
            }
            if (batch.contains(-1)) {
                throw new IllegalArgumentException("item -1 is refused");
            }
            return batch.stream().map(x -> x * 10).toList();
        }, new SimpleMeterRegistry())) {
            CompletableFuture<Integer> first = b.submit(0);
            assertThat(gate.entered.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> good1 = b.submit(1);
            CompletableFuture<Integer> bad = b.submit(-1);
            CompletableFuture<Integer> good2 = b.submit(2);
            gate.release.countDown();
            assertThat(first.get(5, TimeUnit.SECONDS)).isZero();
            assertThat(good1.get(5, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(good2.get(5, TimeUnit.SECONDS)).isEqualTo(20);
            assertThatThrownBy(() -> bad.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalArgumentException.class);
            assertThat(calls).contains(List.of(1, -1, 2)); // they were batched together, then rerun alone
        }
    }

    @Test
    void aLoneRequestDoesNotWaitOutTheWindow() throws Exception {
        // A 10 s window: if the batcher waited for company that cannot come, the answer would
        // miss the 5 s bound below.
        try (MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", new BatchingConfig(8, 10_000, 100),
                batch -> batch.stream().map(x -> x + 1).toList(), () -> 1, new SimpleMeterRegistry())) {
            assertThat(b.submit(41).get(5, TimeUnit.SECONDS)).isEqualTo(42);
        }
    }

    @Test
    void aFullQueueRefusesAtOnceWith429() throws Exception {
        GatedModel model = new GatedModel();
        try (MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", new BatchingConfig(1, 0, 2), model::apply,
                new SimpleMeterRegistry())) {
            b.submit(0);
            assertThat(model.entered.await(5, TimeUnit.SECONDS)).isTrue();
            b.submit(1);
            b.submit(2);
            assertThatThrownBy(() -> b.submit(3)).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.retryAfterSeconds()).isEqualTo(1);
            });
            assertThat(b.queueDepth()).isEqualTo(2);
            model.release.countDown();
        }
    }

    @Test
    void aQueueWhoseOldestItemWaitedTooLongRefusesUntilTheModelCatchesUp() throws Exception {
        GatedModel model = new GatedModel();
        try (MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", new BatchingConfig(1, 0, 100, 20), model::apply,
                new SimpleMeterRegistry())) {
            b.submit(0);
            assertThat(model.entered.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> waiting = b.submit(1); // queued behind the held call
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (b.oldestWaitMillis() <= 20 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertThat(b.behind()).contains("the t model is behind").contains("limit 20 ms");
            assertThatThrownBy(() -> b.submit(2)).isInstanceOfSatisfying(ApiException.class, e -> {
                assertThat(e.status()).isEqualTo(429);
                assertThat(e.getMessage()).contains("behind");
            });
            assertThat(b.queueDepth()).isEqualTo(1);
            model.release.countDown();
            assertThat(waiting.get(5, TimeUnit.SECONDS)).isEqualTo(10);
            assertThat(b.oldestWaitMillis()).isZero();
            assertThat(b.behind()).isNull();
            assertThat(b.submit(3).get(5, TimeUnit.SECONDS)).isEqualTo(30);
        }
    }

    @Test
    void itemsWhoseCallerGaveUpCostNoModelTime() throws Exception {
        GatedModel model = new GatedModel();
        try (MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", new BatchingConfig(8, 0, 100), model::apply,
                new SimpleMeterRegistry())) {
            b.submit(0);
            assertThat(model.entered.await(5, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Integer> abandoned = b.submit(1);
            CompletableFuture<Integer> kept = b.submit(2);
            abandoned.cancel(false);
            model.release.countDown();
            assertThat(kept.get(5, TimeUnit.SECONDS)).isEqualTo(20);
            assertThat(model.calls).containsExactly(List.of(0), List.of(2));
        }
    }

    @Test
    void closeFinishesQueuedWorkThenRefuses() throws Exception {
        GatedModel model = new GatedModel();
        MicroBatcher<Integer, Integer> b = new MicroBatcher<>("t", new BatchingConfig(4, 0, 100), model::apply,
                new SimpleMeterRegistry());
        b.submit(0);
        assertThat(model.entered.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Integer> queued = b.submit(5);
        model.release.countDown();
        b.close();
        assertThat(queued.get(5, TimeUnit.SECONDS)).isEqualTo(50);
        assertThatThrownBy(() -> b.submit(6)).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.status()).isEqualTo(503));
    }
}
