package io.openautoglm.spark;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.search.ModelIdentity;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One model per executor JVM, loaded by the first task that needs it and shared by the tasks
 * running beside it ({@link MultimodalModel} is thread-safe: every embedding call owns its native
 * memory in a sub-manager closed before it returns, so each batch's tensors are freed by the
 * batch). A real CLIP checkpoint takes seconds and hundreds of MB to load; once per partition
 * would cost that for every few thousand pictures. The weights live as long as the executor;
 * in local mode the driver closes them after the Spark context stopped ({@link #closeAll}). On a
 * cluster the executor JVM's exit frees them: no shutdown hook closes them, since tasks may still
 * be in a forward then.
 */
final class ExecutorModel {
    private static final Map<String, MultimodalModel> LOADED = new HashMap<>();

    private ExecutorModel() {}

    /**
     * The model at {@code dir}, loaded on first use and checked to be the driver's: an executor
     * that found another model there (a stale copy on one node) must not write its vectors.
     */
    static synchronized MultimodalModel get(String dir, ModelIdentity expected) {
        MultimodalModel model = LOADED.get(dir);
        if (model == null) {
            model = MultimodalModel.load(Path.of(dir));
            ModelIdentity found;
            try {
                found = ModelIdentity.of(Path.of(dir), model);
                expected.requireSameModel(found, "this job", "ship the same model folder to every executor");
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
            LOADED.put(dir, model);
        }
        return model;
    }

    /** Lends a model the driver loaded already (local mode: the driver is the executor). */
    static synchronized void share(String dir, MultimodalModel model) {
        LOADED.putIfAbsent(dir, model);
    }

    /** Closes every model this JVM loaded, except {@code keep} (the caller's own). Only when no task runs. */
    static synchronized void closeAll(MultimodalModel keep) {
        for (MultimodalModel m : LOADED.values()) {
            if (m != keep) {
                m.close();
            }
        }
        LOADED.clear();
    }
}
