package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.ModelIdentity;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model that goes with an index: the one given with {@code --model}, else the one the index
 * recorded. Either way it must be the index's model (same weights), or nothing runs.
 */
record IndexModel(MultimodalModel model, ModelIdentity identity) implements AutoCloseable {

    /** Loads the model for an existing index and checks it is the index's own. */
    static IndexModel forIndex(IndexDirectory index, Path given) {
        return forIndex(index.model(), "index " + index.dir(), given);
    }

    /**
     * Loads the model for an existing index that records {@code recorded}, and checks it is that model.
     *
     * @param what how messages name the index ({@code index DIR}, {@code SolrCloud collection solr://...})
     */
    static IndexModel forIndex(ModelIdentity recorded, String what, Path given) {
        Path dir = given;
        if (dir == null) {
            dir = Path.of(recorded.path());
            if (!Files.isDirectory(dir)) {
                throw new UserInputException(what + " was built with the model at " + dir
                        + ", which is gone; pass --model DIR with that same model");
            }
        }
        IndexModel loaded = load(dir);
        try {
            recorded.requireSameModel(loaded.identity(), what, given != null
                    ? "leave out --model to use the index's own model, or build a new index (another --index "
                            + (what.startsWith("SolrCloud") ? "collection" : "folder") + ") with this one"
                    : "that folder's weights changed after the index was built: restore them, or build a new index");
            return loaded;
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
    }

    static IndexModel load(Path dir) {
        MultimodalModel model = MultimodalModel.load(dir);
        try {
            return new IndexModel(model, ModelIdentity.of(dir, model));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public void close() {
        model.close();
    }
}
