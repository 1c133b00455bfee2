package io.openautoglm.server;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.search.Reranking;
import io.openautoglm.search.VectorIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a server serves, from which {@link AutoglmServer} builds its routes and readiness checks:
 * the embedding model (always: {@code /v1/embeddings}, {@code /api/classify}), optionally a search
 * part ({@code /api/search}, {@code /api/thumbnail/<id>}, readiness check "index"), optionally a
 * model with fusion heads ({@code /api/match}, {@code /api/vqa}, {@code /api/caption}), and
 * optionally routes of the caller's own (each replaces the 501 placeholder of its path). A path
 * without a part answers 501. Every object here stays the caller's: the server closes none of them.
 *
 * <p>Built with {@link #of} and the {@code with...} methods; each checks what it can at once.
 *
 * @param search null for no search
 * @param fusion null for no fusion endpoints
 * @param student null for no routing: {@code /api/classify} answers with {@code model} alone
 */
public record ServedParts(MultimodalModel model, Search search, MultimodalModel fusion, List<ApiRoute> extraRoutes,
                          Student student) {
    /**
     * A light model that answers {@code /api/classify} when its margin (top-1 minus top-2 probability)
     * is at or above {@code threshold}; below it the served model (the teacher) answers. Embeddings,
     * search and fusion stay the served model's: one endpoint, one embedding space.
     */
    public record Student(MultimodalModel model, double threshold) {
        public Student {
            Objects.requireNonNull(model, "model");
            if (!(threshold >= 0) || Double.isInfinite(threshold)) {
                throw new IllegalArgumentException("the routing threshold must be a finite number >= 0, got " + threshold);
            }
        }
    }

    /**
     * An open index to search, and how to re-rank its top candidates ({@link Reranking#NONE}: as the
     * index ranks). Matching re-ranking runs the served fusion model.
     */
    public record Search(VectorIndex index, Reranking reranking) {
        public Search {
            Objects.requireNonNull(index, "index");
            Objects.requireNonNull(reranking, "reranking");
        }
    }

    public ServedParts {
        Objects.requireNonNull(model, "model");
        extraRoutes = List.copyOf(extraRoutes);
        if (fusion != null && !fusion.hasFusion()) {
            throw new IllegalArgumentException("the fusion model " + fusion.name() + " has no fusion heads");
        }
        if (search != null && search.reranking().needsMatcher() && fusion == null) {
            throw new IllegalArgumentException("re-ranking with the matching head needs a fusion model: add one with withFusion");
        }
    }

    /** The embedding model alone: the search and fusion endpoints answer 501. */
    public static ServedParts of(MultimodalModel model) {
        return new ServedParts(model, null, null, List.of(), null);
    }

    public ServedParts withSearch(VectorIndex index, Reranking reranking) {
        return new ServedParts(model, new Search(index, reranking), fusion, extraRoutes, student);
    }

    /** Adds the fusion endpoints (call before {@link #withSearch} when search re-ranks with it). */
    public ServedParts withFusion(MultimodalModel fusionModel) {
        return new ServedParts(model, search, Objects.requireNonNull(fusionModel, "fusionModel"), extraRoutes, student);
    }

    /** Adds routes of the caller's own, behind the same guard as the built-in ones. */
    public ServedParts withRoutes(List<ApiRoute> routes) {
        List<ApiRoute> all = new ArrayList<>(extraRoutes);
        all.addAll(routes);
        return new ServedParts(model, search, fusion, all, student);
    }

    /** Routes {@code /api/classify}: {@code studentModel} answers when sure (margin >= threshold), the served model otherwise. */
    public ServedParts withStudent(MultimodalModel studentModel, double threshold) {
        return new ServedParts(model, search, fusion, extraRoutes, new Student(studentModel, threshold));
    }
}
