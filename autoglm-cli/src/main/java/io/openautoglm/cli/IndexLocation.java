package io.openautoglm.cli;

import io.openautoglm.core.UserInputException;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.VectorIndex;
import io.openautoglm.solr.CollectionLayout;
import io.openautoglm.solr.SolrLocation;
import io.openautoglm.solr.SolrVectorIndex;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an index lives, as {@code --index} names it: an index folder on disk (Lucene HNSW or the
 * exact index, as {@code index.json} says), or a SolrCloud collection ({@code solr://HOST:PORT/COLLECTION},
 * {@code solr+zk://ZK:PORT[/CHROOT]/COLLECTION}). The one place the commands open an index from the
 * text they were given, so {@code index build}, {@code index info}, {@code search} and {@code serve}
 * take the same locations.
 *
 * @param folder the index folder, or null for a SolrCloud collection
 * @param solr the SolrCloud collection, or null for a folder
 */
record IndexLocation(String text, Path folder, SolrLocation solr) {
    /** What {@code --index} accepts, for option labels. */
    static final String LABEL = "DIR|solr://HOST:PORT/COLLECTION";

    /** Reads a location; a malformed {@code solr://} one is one clear line. */
    static IndexLocation parse(String text) {
        if (text == null || text.isBlank()) {
            throw new UserInputException("--index is empty: give an index folder or " + SolrLocation.HTTP_SCHEME + "HOST:PORT/COLLECTION");
        }
        if (SolrLocation.isSolr(text)) {
            quietSolrClientLogs();
            return new IndexLocation(text, null, SolrLocation.parse(text));
        }
        if (text.contains("://")) {
            throw new UserInputException("index location '" + text + "' is neither a folder nor a SolrCloud location: write a"
                    + " folder, " + SolrLocation.HTTP_SCHEME + "HOST:PORT/COLLECTION or " + SolrLocation.ZK_SCHEME
                    + "HOST:PORT[/CHROOT]/COLLECTION");
        }
        return new IndexLocation(text, Path.of(text), null);
    }

    /**
     * ZooKeeper's client logs every failed connection attempt with a stack trace, SolrJ each node it
     * fails over from; our own one-line errors say what matters. Set before their first logger exists.
     */
    private static void quietSolrClientLogs() {
        for (String[] level : new String[][] {{"org.apache.zookeeper", "off"}, {"org.apache.solr", "error"}}) {
            String key = "org.slf4j.simpleLogger.log." + level[0];
            if (System.getProperty(key) == null) {
                System.setProperty(key, level[1]);
            }
        }
    }

    boolean isSolr() {
        return solr != null;
    }

    /** How messages name it: {@code index DIR} or {@code SolrCloud collection solr://...}. */
    String describe() {
        return isSolr() ? "SolrCloud collection " + solr : "index " + folder;
    }

    /** Opens an existing index to search it (no write lock); one clear line when there is none. */
    VectorIndex openToSearch() {
        return isSolr() ? SolrVectorIndex.open(solr) : IndexDirectory.read(folder).open(false);
    }

    /** Model and settings an existing index records; empty when there is none yet (a build will create it). */
    Optional<Recorded> recorded() {
        if (isSolr()) {
            Optional<SolrVectorIndex> existing = SolrVectorIndex.openIfFilled(solr);
            existing.ifPresent(SolrVectorIndex::close);
            return existing.map(i -> new Recorded(i.model(), i.settings()));
        }
        if (!IndexDirectory.exists(folder)) {
            return Optional.empty();
        }
        IndexDirectory dir = IndexDirectory.read(folder);
        return Optional.of(new Recorded(dir.model(), dir.settings()));
    }

    /**
     * Opens the index to write into it, creating it for {@code model} when it does not exist: a
     * folder with {@code settings}, or a collection laid out as {@code layout} with a schema for the
     * model's dimension. An existing index must record this same model.
     */
    VectorIndex openToBuild(IndexSettings settings, ModelIdentity model, CollectionLayout layout) {
        if (isSolr()) {
            return SolrVectorIndex.create(solr, settings, model, layout);
        }
        IndexDirectory dir = IndexDirectory.exists(folder) ? IndexDirectory.read(folder) : IndexDirectory.create(folder, settings, model);
        dir.model().requireSameModel(model, describe());
        return dir.open(true);
    }

    /** What an existing index holds: the model that filled it and its settings. */
    record Recorded(ModelIdentity model, IndexSettings settings) {}

    @Override
    public String toString() {
        return text;
    }
}
