package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.StopSignal;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.search.ImageIndexer;
import io.openautoglm.search.ImageSource;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.VectorIndex;
import io.openautoglm.solr.CollectionLayout;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "build", mixinStandardHelpOptions = true,
        description = {"Embed pictures into a persistent index, incrementally and crash-safely.",
            "Pictures already indexed with the same content (SHA-256) are skipped; new and changed ones are embedded and"
                + " committed every --commit-every pictures, so an interrupted build (even kill -9) keeps its work and the same"
                + " command run again completes it. Pictures that cannot be decoded are listed and skipped.",
            "An existing index keeps its model: --model must be that model (default: the index's own).",
            "--index is a folder (Lucene) or a SolrCloud collection, solr://HOST:PORT/COLLECTION or"
                + " solr+zk://ZK_HOST:PORT[/CHROOT]/COLLECTION: a missing collection is created (--shards, --replicas) with the"
                + " model's dimension; everything above holds for it too (docs/solr.md).",
            "SIGTERM or Ctrl-C stops between batches: what is embedded is committed, and the same command resumes.",
            "Example: autoglm index build --index pics-index --images ~/Pictures",
            "Example: autoglm index build --index solr://127.0.0.1:8983/pictures --shards 2 --replicas 2 --images ~/Pictures"})
final class IndexBuildCommand implements Callable<Integer> {
    @Option(names = "--index", required = true, paramLabel = IndexLocation.LABEL,
            description = "The index folder, or a SolrCloud collection (created if new).")
    String index;

    static final class Source {
        @Option(names = "--images", paramLabel = "DIR", description = "Index every picture under this folder (recursively).")
        Path images;

        @Option(names = "--manifest", paramLabel = "FILE",
                description = "Index the images of a JSONL manifest; their scalar fields (caption, label, ...) become metadata.")
        Path manifest;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Mixin
    ModelOption model;

    @Option(names = "--kind", paramLabel = "KIND",
            description = "For a new index: ${COMPLETION-CANDIDATES} (default: hnsw; exact scans everything, for small collections).")
    IndexSettings.Kind kind;

    @Option(names = "--quantization", paramLabel = "Q",
            description = "For a new hnsw index: ${COMPLETION-CANDIDATES} (default: none; int8 is Lucene's scalar-quantized HNSW).")
    IndexSettings.Quantization quantization;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "Pictures per model batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--commit-every", paramLabel = "N", defaultValue = "256",
            description = "Make progress durable every N embedded pictures (default: ${DEFAULT-VALUE}).")
    int commitEvery;

    @Option(names = "--keep-missing", description = "Keep entries whose picture is gone from the source (default: remove them).")
    boolean keepMissing;

    @Option(names = "--shards", paramLabel = "N",
            description = "For a new SolrCloud collection: shards that split it (default: 1).")
    Integer shards;

    @Option(names = "--replicas", paramLabel = "R",
            description = "For a new SolrCloud collection: copies of each shard, on different nodes (default: 1; 2 survives losing a node).")
    Integer replicas;

    @Option(names = "--verbose", description = "Print a line on stderr at every commit.")
    boolean verbose;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        IndexLocation location = IndexLocation.parse(index);
        ImageIndexer.Options options = new ImageIndexer.Options(batchSize, commitEvery, !keepMissing);
        CollectionLayout layout = layout(location);
        List<ImageSource.Item> items = source.images != null ? ImageSource.folder(source.images)
                : ImageSource.manifest(Manifest.read(source.manifest));
        PrintWriter err = spec.commandLine().getErr();
        Optional<IndexLocation.Recorded> recorded = location.recorded();
        recorded.ifPresent(r -> refuseChangedSettings(r.settings()));
        try (IndexModel m = recorded.isPresent() ? IndexModel.forIndex(recorded.get().model(), location.describe(), model.model)
                : IndexModel.load(model.resolve())) {
            ImageIndexer.Report report;
            VectorIndex written;
            try (VectorIndex vectors = location.openToBuild(settings(), m.identity(), layout)) {
                written = vectors;
                report = new ImageIndexer(m.model(), vectors, options, err,
                        verbose ? n -> err.println("committed " + n + "/" + items.size()) : null).build(items);
            }
            if (report.stoppedBy() != null) {
                err.printf(Locale.ROOT, "autoglm: stopped by %s after %d of %d pictures; the index holds %d, committed; the same command"
                        + " resumes (pictures already indexed are skipped)%n", report.stoppedBy(), report.processed(), report.total(),
                        report.count());
                err.flush();
                return StopSignal.process().exitCode();
            }
            print(report, written.settings(), m.identity());
        }
        return 0;
    }

    /** The layout of a new collection; for a folder, --shards and --replicas mean nothing and a note says so. */
    private CollectionLayout layout(IndexLocation location) {
        if (!location.isSolr()) {
            if (shards != null || replicas != null) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("autoglm: note: --shards and --replicas lay out a new SolrCloud collection; the index folder "
                        + location + " ignores them");
                err.flush();
            }
            return CollectionLayout.single();
        }
        return new CollectionLayout(shards == null ? 1 : shards, replicas == null ? 1 : replicas);
    }

    private IndexSettings settings() {
        IndexSettings.Kind k = kind == null ? IndexSettings.Kind.hnsw : kind;
        IndexSettings.Quantization q = quantization == null ? IndexSettings.Quantization.none : quantization;
        IndexSettings defaults = IndexSettings.hnsw();
        return new IndexSettings(k, q, defaults.maxConn(), defaults.beamWidth());
    }

    private void refuseChangedSettings(IndexSettings actual) {
        if ((kind != null && kind != actual.kind()) || (quantization != null && quantization != actual.quantization())) {
            throw new UserInputException(IndexLocation.parse(index).describe() + " is " + actual.describe()
                    + "; kind and quantization are fixed when an index is created: build a new index to change them");
        }
    }

    private void print(ImageIndexer.Report r, IndexSettings settings, ModelIdentity identity) {
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            ObjectNode root = Json.object();
            root.put("index", index.toString());
            root.put("count", r.count());
            root.put("total", r.total());
            root.put("added", r.added());
            root.put("updated", r.updated());
            root.put("unchanged", r.unchanged());
            root.put("removed", r.removed());
            ArrayNode failed = root.putArray("failed");
            r.failed().forEach(f -> failed.addObject().put("id", f.id()).put("path", f.path()).put("reason", f.reason()));
            root.put("seconds", r.seconds());
            out.println(Json.compact(root));
        } else {
            int embedded = r.added() + r.updated();
            out.printf(Locale.ROOT, "index %s (%s, model %s): %d items%n", index, settings.describe(), identity.name(), r.count());
            out.printf(Locale.ROOT, "  %d pictures: %d added, %d updated, %d unchanged, %d failed; %d removed; %.1f s (%.1f embedded/s)%n",
                    r.total(), r.added(), r.updated(), r.unchanged(), r.failed().size(), r.removed(), r.seconds(),
                    embedded / Math.max(r.seconds(), 1e-9));
            if (!r.failed().isEmpty()) {
                out.println("  not indexed (fix or remove them, then run the same command again):");
                r.failed().forEach(f -> out.println("    " + f.path() + ": " + f.reason()));
            }
            if (r.count() > 0) {
                out.println("  search it: autoglm search --index " + index + " --text \"...\"   (or --image FILE)");
            }
        }
        out.flush();
    }
}
