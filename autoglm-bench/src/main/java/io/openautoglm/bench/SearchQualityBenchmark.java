package io.openautoglm.bench;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.search.ExactVectorIndex;
import io.openautoglm.search.Filter;
import io.openautoglm.search.Hit;
import io.openautoglm.search.ImageSource;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.IndexEntry;
import io.openautoglm.search.IndexSettings;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.VectorIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Text-to-image R@1 and R@10 on a manifest through the index, HNSW (float and int8) against exact
 * search: the same embeddings in each, every record's first caption a query for its own picture.
 *
 * <pre>
 * java -cp 'autoglm-bench/target/autoglm-bench-0.1.0-SNAPSHOT.jar:autoglm-bench/target/lib/*' io.openautoglm.bench.SearchQualityBenchmark \
 *     --model models/autoglm-shapes-tiny --manifest data/shapeworld/test.jsonl --dir /tmp/quality-index
 * </pre>
 */
public final class SearchQualityBenchmark {
    private SearchQualityBenchmark() {}

    static final String USAGE = "options: --model DIR --manifest FILE.jsonl --dir DIR (where the HNSW indexes are built)";

    public static void main(String[] args) throws Exception {
        BenchArgs.main("search quality benchmark", USAGE, args, SearchQualityBenchmark::run);
    }

    private static void run(String[] args) throws Exception {
        BenchArgs a = BenchArgs.parse(args, Set.of("--model", "--manifest", "--dir"), Set.of());
        Path modelDir = Path.of(a.required("--model"));
        Path manifestFile = Path.of(a.required("--manifest"));
        Path dir = Path.of(a.required("--dir"));
        Manifest manifest = Manifest.read(manifestFile);
        List<ImageSource.Item> items = ImageSource.manifest(manifest);
        try (MultimodalModel model = MultimodalModel.load(modelDir)) {
            ModelIdentity identity = ModelIdentity.of(modelDir, model);
            float[][] images = model.embedImageFiles(items.stream().map(ImageSource.Item::file).toList(), EmbedOptions.defaults());
            Map<Path, String> idOf = new HashMap<>();
            items.forEach(i -> idOf.put(i.file(), i.id()));
            List<String> captions = new ArrayList<>();
            List<String> relevant = new ArrayList<>();
            for (ManifestRecord r : manifest.records()) {
                if (r.caption() != null) {
                    captions.add(r.caption());
                    relevant.add(idOf.get(r.image().toAbsolutePath().normalize()));
                }
            }
            float[][] queries = model.embedTexts(captions);
            System.out.printf(Locale.ROOT, "search quality: %s, %d images, %d caption queries (first caption of each record), model %s%n",
                    manifestFile, items.size(), captions.size(), model.name());
            ExactVectorIndex exact = ExactVectorIndex.inMemory(identity);
            fill(exact, items, images);
            double[] truth = recall(exact, queries, relevant);
            System.out.printf(Locale.ROOT, "%-12s R@1 %.4f  R@10 %.4f%n", "exact", truth[0], truth[1]);
            for (IndexSettings settings : List.of(IndexSettings.hnsw(), IndexSettings.hnswInt8())) {
                Path where = Files.createTempDirectory(Files.createDirectories(dir), "index");
                Files.delete(where);
                try (VectorIndex hnsw = IndexDirectory.create(where, settings, identity).open(true)) {
                    fill(hnsw, items, images);
                    hnsw.commit();
                    double[] r = recall(hnsw, queries, relevant);
                    System.out.printf(Locale.ROOT, "%-12s R@1 %.4f  R@10 %.4f  (R@10 - exact: %+.4f)%n",
                            "hnsw " + settings.quantization(), r[0], r[1], r[1] - truth[1]);
                }
            }
        }
    }

    private static void fill(VectorIndex index, List<ImageSource.Item> items, float[][] images) {
        for (int i = 0; i < items.size(); i++) {
            index.upsert(IndexEntry.of(items.get(i).id(), images[i], items.get(i).metadata()));
        }
    }

    /** {R@1, R@10}: the share of queries whose own picture is first / in the top 10. */
    private static double[] recall(VectorIndex index, float[][] queries, List<String> relevant) {
        double at1 = 0;
        double at10 = 0;
        for (int q = 0; q < queries.length; q++) {
            List<Hit> hits = index.search(queries[q], 10, Filter.NONE);
            for (int r = 0; r < hits.size(); r++) {
                if (hits.get(r).id().equals(relevant.get(q))) {
                    at1 += r == 0 ? 1 : 0;
                    at10 += 1;
                }
            }
        }
        return new double[] {at1 / queries.length, at10 / queries.length};
    }
}
