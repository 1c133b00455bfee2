package io.openautoglm.cli;

import io.openautoglm.core.UserInputException;
import io.openautoglm.search.Reranking;
import picocli.CommandLine.Option;

/**
 * The shared {@code --rerank N} and {@code --reranker vectors|matching|filip} options of {@code search}
 * and {@code serve}: the same meaning, defaults and errors in both. Where the matching model comes
 * from is each command's own: {@code search --reranker-model DIR}, the served {@code --fusion-model} for {@code serve}.
 */
public final class RerankOption {
    @Option(names = "--rerank", paramLabel = "N", defaultValue = "0",
            description = "Re-score the top N candidates with --reranker (default: off).")
    int rerank;

    @Option(names = "--reranker", paramLabel = "KIND", defaultValue = "vectors",
            description = "What re-scores the top candidates: vectors (their full-precision vectors, for int8 indexes) or "
                    + "matching (a fusion model's image-text matching head; text queries) or filip (FILIP's token-wise "
                    + "similarity with the index's model: each candidate's patch embeddings are recomputed from its picture "
                    + "file, about one image-tower forward per candidate, see docs/search.md; text queries; default: ${DEFAULT-VALUE}).")
    String reranker;

    /** The re-ranking asked for; a bad value is one clear error line. */
    Reranking reranking() {
        Reranking.Kind kind = Reranking.Kind.parse(reranker).orElseThrow(() ->
                new UserInputException("--reranker must be vectors, matching or filip, got '" + reranker + "'"));
        if (rerank < 0) {
            throw new UserInputException("--rerank must be 0 or more, got " + rerank);
        }
        return new Reranking(kind, rerank);
    }
}
