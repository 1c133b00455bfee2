package io.openautoglm.graph.recsys;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import io.openautoglm.core.nn.Dense;
import io.openautoglm.core.nn.ParamBlock;
import io.openautoglm.graph.nn.GraphTensors;
import java.util.ArrayList;
import java.util.List;

/**
 * Click and like logits for (user, item) pairs. Both kinds see the same inputs: the user's id, the
 * user's history (mean features of the items clicked in training), the item's encoder features
 * (image and caption embeddings) and its log popularity. The item side never sees an item id, so a
 * cold-start item is scored from its pictures and caption alone.
 * <ul>
 * <li>{@code two-tower}: user = E[u] + P h, item = MLP([f, pop]); the first half of their product sums to the
 *     click logit, the second half to the like logit.
 * <li>{@code dcn}: x0 = [E[u], P h, Q f, pop]; cross layers beside a two-layer MLP; a linear head over both gives
 *     the two logits.
 * </ul>
 */
public final class RecsysModel extends ParamBlock {
    private final RecsysConfig config;
    private final Parameter userEmbedding; // (U, E) two-tower: (U, 2E)
    private final Dense historyProjection; // (E or 2E, D)
    private final Dense itemHidden; // two-tower (H, D+1); dcn: the item projection (E, D)
    private final Dense itemOut; // two-tower (2E, H)
    private final Parameter taskBias; // (2) two-tower
    private final List<CrossLayer> crosses = new ArrayList<>();
    private final Dense deep1; // dcn (H, d0)
    private final Dense deep2; // dcn (H, H)
    private final Dense head; // dcn (2, d0 + H)

    public RecsysModel(RecsysConfig config) {
        this.config = config;
        int d = config.featureWidth();
        int e = config.embed();
        int h = config.hidden();
        boolean twoTower = config.kind().equals("two-tower");
        int userWidth = twoTower ? 2 * e : e;
        userEmbedding = param("user_embedding", Parameter.Type.WEIGHT, new Shape(config.users(), userWidth), new NormalInitializer(0.05f));
        historyProjection = child("history_projection", new Dense(d, userWidth, true, (float) Math.sqrt(1.0 / d)));
        if (twoTower) {
            itemHidden = child("item_tower.0", new Dense(d + 1, h, true, (float) Math.sqrt(2.0 / (d + 1))));
            itemOut = child("item_tower.1", new Dense(h, 2 * e, true, (float) Math.sqrt(1.0 / h)));
            taskBias = param("task_bias", Parameter.Type.BIAS, new Shape(2), Initializer.ZEROS);
            deep1 = null;
            deep2 = null;
            head = null;
        } else {
            itemHidden = child("item_projection", new Dense(d, e, true, (float) Math.sqrt(1.0 / d)));
            itemOut = null;
            taskBias = null;
            int d0 = crossWidth(config);
            for (int i = 0; i < config.crossLayers(); i++) {
                crosses.add(child("cross." + i, new CrossLayer(d0)));
            }
            deep1 = child("deep.0", new Dense(d0, h, true, (float) Math.sqrt(2.0 / d0)));
            deep2 = child("deep.1", new Dense(h, h, true, (float) Math.sqrt(2.0 / h)));
            head = child("head", new Dense(d0 + h, 2, true, (float) Math.sqrt(1.0 / (d0 + h))));
        }
    }

    /** The width of the DCN's x0: user id, history and item projections, and popularity. */
    static int crossWidth(RecsysConfig config) {
        return 3 * config.embed() + 1;
    }

    public RecsysConfig config() {
        return config;
    }

    public RecsysModel initialized(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1));
        return this;
    }

    /**
     * @param users      (B) int64 user indices
     * @param history    (B, D) history features
     * @param items      (B, D) item features
     * @param popularity (B, 1) log popularity
     * @return (B, 2) logits: click, like
     */
    public NDArray logits(ParameterStore store, NDArray users, NDArray history, NDArray items, NDArray popularity,
            boolean training) {
        NDArray table = value(store, userEmbedding, items, training); // (U, E')
        if (config.kind().equals("two-tower")) {
            NDArray user = GraphTensors.gather(table, users).add(historyProjection.apply(store, history, training)); // (B, 2E)
            NDArray item = itemOut.apply(store, Activation.relu(itemHidden.apply(store,
                    NDArrays.concat(new NDList(items, popularity), 1), training)), training); // (B, 2E)
            int e = config.embed();
            NDArray product = user.mul(item); // (B, 2E)
            NDArray click = product.get(":, 0:" + e).sum(new int[] {1}, true); // (B, 1)
            NDArray like = product.get(":, " + e + ":").sum(new int[] {1}, true); // (B, 1)
            return NDArrays.concat(new NDList(click, like), 1).add(value(store, taskBias, items, training)); // (B, 2)
        }
        NDArray userId = GraphTensors.gather(table, users); // (B, E)
        NDArray x0 = NDArrays.concat(new NDList(userId, historyProjection.apply(store, history, training),
                itemHidden.apply(store, items, training), popularity), 1); // (B, d0)
        NDArray x = x0; // (B, d0)
        for (CrossLayer cross : crosses) {
            x = cross.apply(store, x0, x, training); // (B, d0)
        }
        NDArray deep = Activation.relu(deep2.apply(store, Activation.relu(deep1.apply(store, x0, training)), training)); // (B, H)
        return head.apply(store, NDArrays.concat(new NDList(x, deep), 1), training); // (B, 2)
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("call logits(store, users, history, items, popularity, training)");
    }
}
