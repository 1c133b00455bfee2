package io.openautoglm.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.TopK;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.HardNegative;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.Progress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text-to-image retrieval before and after re-ranking: the dual encoder ranks every picture of the
 * manifest by cosine similarity, then the fusion encoder's matching head re-scores each query's
 * top N (the rest keep their order below them). The queries are the captions that have a
 * compositional twin among their record's hard negatives (its {@code positive}: the object list, and
 * for ShapeWorld also the relation captions whose arguments were swapped), where word order and
 * attribute binding decide the answer; or, with {@link Queries#FIRST}, each such record's first
 * caption only.
 *
 * <p>Scored twice. In the COCO protocol a query's one relevant picture is its own. But a caption
 * can describe other pictures exactly as well (ShapeWorld draws the same objects again: "a large
 * purple circle"), and then finding one of those counts as a miss, so no ranker can pass the
 * share of queries whose own picture is the only one. The second score counts as relevant every
 * picture whose record lists the query among its captions.
 */
public final class RerankEvaluator {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MultimodalModel retriever;
    private final MultimodalModel matcher;
    private final PrintWriter progress;

    /**
     * @param retriever the dual encoder of the first stage
     * @param matcher a model with fusion heads (may be the same model)
     */
    public RerankEvaluator(MultimodalModel retriever, MultimodalModel matcher, PrintWriter progress) {
        this.retriever = retriever;
        this.matcher = matcher;
        this.progress = progress;
    }

    /**
     * @param dualEncoder, reranked scored with each query's own picture as the one relevant one
     * @param describedDualEncoder, describedReranked scored with every picture the query describes as relevant
     * @param sharedQueries queries that describe more than one picture of the manifest
     */
    public record Result(RetrievalMetrics.Summary dualEncoder, RetrievalMetrics.Summary reranked,
            RetrievalMetrics.Summary describedDualEncoder, RetrievalMetrics.Summary describedReranked, int sharedQueries, int top,
            int queries, int images) {
        public ObjectNode toJson() {
            ObjectNode o = JSON.createObjectNode();
            o.set("dual_encoder", dualEncoder.toJson());
            o.set("reranked", reranked.toJson());
            ObjectNode described = o.putObject("every_described_picture");
            described.set("dual_encoder", describedDualEncoder.toJson());
            described.set("reranked", describedReranked.toJson());
            o.put("queries_describing_several_pictures", sharedQueries);
            o.put("rerank_top", top);
            o.put("queries", queries);
            o.put("images", images);
            return o;
        }
    }

    /** Which captions query: every caption with a twisted twin, or the first caption of each record that has twins. */
    public enum Queries { TWINNED, FIRST }

    public Result evaluate(Manifest manifest, int top) {
        return evaluate(manifest, top, Queries.TWINNED);
    }

    public Result evaluate(Manifest manifest, int top, Queries which) {
        if (top < 1) {
            throw new UserInputException("re-ranking needs at least 1 candidate, got " + top);
        }
        var fusion = matcher.fusion();
        Map<Path, Integer> imageIndex = new LinkedHashMap<>();
        Map<String, java.util.Set<Integer>> describedBy = new java.util.HashMap<>(); // caption -> pictures it describes
        List<ManifestRecord> images = new ArrayList<>();
        List<String> queries = new ArrayList<>();
        List<Integer> relevant = new ArrayList<>();
        for (ManifestRecord r : manifest.records()) {
            if (!imageIndex.containsKey(r.image())) {
                imageIndex.put(r.image(), images.size());
                images.add(r);
            }
            int picture = imageIndex.get(r.image());
            r.captions().forEach(c -> describedBy.computeIfAbsent(sameCaption(c), k -> new java.util.TreeSet<>()).add(picture));
            List<HardNegative> twins;
            try {
                twins = HardNegative.of(r);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(manifest.file() + ":" + r.lineNumber() + ": " + e.getMessage());
            }
            java.util.Set<String> asked = new java.util.LinkedHashSet<>();
            if (!twins.isEmpty() && which == Queries.FIRST) {
                asked.add(r.caption());
            } else {
                twins.forEach(t -> asked.add(t.positive()));
            }
            for (String query : asked) {
                queries.add(query);
                relevant.add(imageIndex.get(r.image()));
            }
        }
        if (queries.isEmpty()) {
            throw new UserInputException("no record in " + manifest.file() + " has \"hard_negatives\": the re-ranking check "
                    + "queries with the captions that have them");
        }
        BatchEmbedder embedder = new BatchEmbedder(retriever, progress);
        float[][] imageEmb = embedder.images(manifest, images); // (I, D)
        float[][] textEmb = embedder.texts(queries, "embedding queries"); // (Q, D)
        float[][] cosine = MultimodalModel.similarity(textEmb, imageEmb); // (Q, I)
        int n = Math.min(top, images.size());
        float[][] reranked = new float[queries.size()][];
        int[][] truth = new int[queries.size()][];
        int[][] described = new int[queries.size()][];
        int shared = 0;
        // Queries share many candidates; keep the recently decoded pictures, a bounded number of them.
        int cacheSize = Math.max(4 * n, 256);
        Map<Integer, RgbImage> decoded = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, RgbImage> eldest) {
                return size() > cacheSize;
            }
        };
        Progress p = Progress.start(progress, "re-ranking the top " + n, queries.size());
        for (int q = 0; q < queries.size(); q++) {
            truth[q] = new int[] {relevant.get(q)};
            // a twin's positive need not be listed among its record's captions: its own picture is relevant either way
            java.util.Set<Integer> describes = new java.util.TreeSet<>(describedBy.getOrDefault(sameCaption(queries.get(q)), java.util.Set.of()));
            describes.add(relevant.get(q));
            described[q] = describes.stream().mapToInt(Integer::intValue).toArray();
            shared += described[q].length > 1 ? 1 : 0;
            int[] best = TopK.indices(cosine[q], n);
            List<RgbImage> candidates = new ArrayList<>();
            for (int i : best) {
                candidates.add(decoded.computeIfAbsent(i, j -> retriever.imageLoader().load(images.get(j).image())));
            }
            List<String> texts = java.util.Collections.nCopies(candidates.size(), queries.get(q));
            float[] match = fusion.matchPairs(candidates, texts);
            reranked[q] = cosine[q].clone();
            for (int c = 0; c < best.length; c++) {
                reranked[q][best[c]] = 2 + match[c]; // cosines are at most 1: the re-scored top stays on top
            }
            p.advance(1);
        }
        p.finish();
        return new Result(RetrievalMetrics.evaluate(cosine, truth), RetrievalMetrics.evaluate(reranked, truth),
                RetrievalMetrics.evaluate(cosine, described), RetrievalMetrics.evaluate(reranked, described), shared, n, queries.size(),
                images.size());
    }

    /** Captions that differ only in case or spacing are the same caption. */
    private static String sameCaption(String caption) {
        return caption.toLowerCase(java.util.Locale.ROOT).strip().replaceAll("\\s+", " ");
    }
}
