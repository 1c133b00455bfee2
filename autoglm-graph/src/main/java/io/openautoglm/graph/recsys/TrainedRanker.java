package io.openautoglm.graph.recsys;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.TorchRuntime;

/** A ranker with its weights (owning their manager) and the inputs it was trained with. */
public final class TrainedRanker implements AutoCloseable, PairScorer {
    private static final int CHUNK = 8192;
    private final NDManager manager;
    private final RecsysModel model;
    private final RecsysData data;
    private final RankerInputs inputs;

    public TrainedRanker(NDManager manager, RecsysModel model, RecsysData data) {
        this.manager = manager;
        this.model = model;
        this.data = data;
        this.inputs = data.inputs();
    }

    public RecsysModel model() {
        return model;
    }

    /** Click and like probabilities of each (users[k], items[k]) pair: [k][0] click, [k][1] like. */
    @Override
    public float[][] score(int[] users, int[] items) {
        TorchRuntime.stopRecordingGradients();
        float[][] out = new float[users.length][2];
        for (int start = 0; start < users.length; start += CHUNK) {
            int n = Math.min(CHUNK, users.length - start);
            try (NDManager pass = manager.newSubManager()) {
                Batch b = Batch.of(pass, data, inputs, users, items, start, n);
                NDArray p = ai.djl.nn.Activation.sigmoid(model.logits(new ParameterStore(pass, false), b.users(), b.history(),
                        b.items(), b.popularity(), false)); // (n, 2)
                float[] flat = p.toFloatArray();
                for (int k = 0; k < n; k++) {
                    out[start + k][0] = flat[2 * k];
                    out[start + k][1] = flat[2 * k + 1];
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }

    /** One batch of pairs as tensors. */
    record Batch(NDArray users, NDArray history, NDArray items, NDArray popularity) {
        static Batch of(NDManager m, RecsysData data, RankerInputs inputs, int[] users, int[] items, int start, int n) {
            int d = data.featureWidth();
            long[] u = new long[n];
            float[] h = new float[n * d];
            float[] f = new float[n * d];
            float[] pop = new float[n];
            for (int k = 0; k < n; k++) {
                int user = users[start + k];
                int item = items[start + k];
                u[k] = user;
                System.arraycopy(inputs.history()[user], 0, h, k * d, d);
                System.arraycopy(data.itemFeatures()[item], 0, f, k * d, d);
                pop[k] = inputs.popularity()[item];
            }
            return new Batch(m.create(u), // (n)
                    m.create(h, new Shape(n, d)), // (n, D)
                    m.create(f, new Shape(n, d)), // (n, D)
                    m.create(pop, new Shape(n, 1))); // (n, 1)
        }
    }
}
