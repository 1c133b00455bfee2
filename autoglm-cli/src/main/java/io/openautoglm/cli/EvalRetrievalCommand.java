package io.openautoglm.cli;

import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.eval.RetrievalEvaluator;
import io.openautoglm.eval.RetrievalMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "retrieval", mixinStandardHelpOptions = true,
        description = {"Text->image and image->text retrieval: R@1/5/10, MRR, NDCG@10, mean and median rank.",
            "COCO/Flickr protocol: candidates are the manifest's unique images; every caption (\"caption\" and",
            "\"captions\"; records repeating an image add to it) is a query for its image, and an image query",
            "has all its captions as relevant. Ties count against the model. n is the number of images."})
final class EvalRetrievalCommand implements Callable<Integer> {
    @Mixin
    ModelOption model;

    @Option(names = "--manifest", required = true, paramLabel = "FILE",
            description = "JSONL manifest: {\"image\": \"a.png\", \"caption\": \"...\"} per line, paths relative to it.")
    Path manifest;

    @Option(names = "--first-caption-only",
            description = "Query with each record's \"caption\" only, not its other \"captions\" (default: all captions).")
    boolean firstCaptionOnly;

    @Option(names = "--truncate", description = "Cut captions longer than the model's context to its first tokens (CLIP's "
            + "behaviour) instead of embedding them in overlapping windows whose embeddings are pooled.")
    boolean truncate;

    @Option(names = "--max-windows", paramLabel = "N", defaultValue = "" + EmbedOptions.DEFAULT_MAX_WINDOWS,
            description = "Most windows one caption may take; a longer one is an error (default: ${DEFAULT-VALUE}).")
    int maxWindows;

    @Option(names = "--scorer", paramLabel = "pooled|filip",
            description = {"How a picture and a caption are compared: pooled (cosine of the pooled embeddings) or filip (FILIP's",
                "token-wise similarity: each patch to its best word and back, averaged; a long caption's windows read as one text).",
                "Default: the similarity the model was trained with (config.json's \"similarity\"; pooled when absent).",
                "filip needs a DJL model folder (per-patch outputs) and recomputes every picture's patch embeddings."})
    String scorer;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RetrievalEvaluator.Scorer chosen = scorer == null ? null : RetrievalEvaluator.Scorer.parse(scorer);
        Manifest data = Manifest.read(manifest);
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            RetrievalEvaluator.Scorer used = chosen != null ? chosen : RetrievalEvaluator.Scorer.of(m);
            RetrievalEvaluator.Result r = new RetrievalEvaluator(m, spec.commandLine().getErr(),
                    EmbedOptions.defaults().withTruncate(truncate).withMaxWindows(maxWindows), used).evaluate(data, firstCaptionOnly);
            if (format.json()) {
                out.println(Json.compact(r.toJson().put("scorer", used.key()).put("model_similarity", m.config().similarity())));
            } else {
                out.printf("retrieval: %d images, %d captions, model %s, scorer %s (model trained for %s)%n", r.n(), r.captions(),
                        m.name(), used.key(), m.config().similarity());
                out.printf("%-12s %12s %12s%n", "metric", "text->image", "image->text");
                RetrievalMetrics.Summary t = r.textToImage();
                RetrievalMetrics.Summary i = r.imageToText();
                EvalCommand.row(out, "R@1", 12, t.recallAt1(), i.recallAt1());
                EvalCommand.row(out, "R@5", 12, t.recallAt5(), i.recallAt5());
                EvalCommand.row(out, "R@10", 12, t.recallAt10(), i.recallAt10());
                EvalCommand.row(out, "MRR", 12, t.mrr(), i.mrr());
                EvalCommand.row(out, "NDCG@10", 12, t.ndcgAt10(), i.ndcgAt10());
                EvalCommand.row(out, "mean_rank", 12, t.meanRank(), i.meanRank());
                EvalCommand.row(out, "median_rank", 12, t.medianRank(), i.medianRank());
                RetrievalMetrics.Summary same = r.textToImageSameCaption();
                out.printf("text->image counting every image with the same caption as relevant (%d of %d queries share "
                        + "their caption with another image): R@1 %.4f R@5 %.4f R@10 %.4f%n", r.sharedCaptions(), r.captions(),
                        same.recallAt1(), same.recallAt5(), same.recallAt10());
            }
        }
        out.flush();
        return 0;
    }
}
