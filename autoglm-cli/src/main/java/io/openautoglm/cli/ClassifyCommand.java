package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.ZeroShotResult;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.routing.RoutedResult;
import io.openautoglm.core.routing.ZeroShotRouter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "classify", mixinStandardHelpOptions = true,
        description = {"Zero-shot classification: score each image against text labels.",
            "Each label is embedded through every template (prompt ensembling: the mean of the normalized",
            "template embeddings, renormalized); scores are the softmax of the model's scaled cosine logits.",
            "With --student DIR and --route ROUTE.json (or --threshold T) the student classifies each image and answers when",
            "its margin (top-1 minus top-2 probability) is at or above the threshold; otherwise the teacher (--teacher, else",
            "--model) answers. Each result then says \"route\": student|teacher and the student's \"margin\"."})
final class ClassifyCommand implements Callable<Integer> {
    static final String DEFAULT_TEMPLATE = "a photo of a {}.";

    @Mixin
    ModelOption model;

    @Option(names = {"-l", "--labels"}, required = true, split = ",", paramLabel = "LABEL",
            description = "Comma-separated class labels, e.g. --labels cat,dog,car.")
    List<String> labels;

    @Option(names = "--template", paramLabel = "TEMPLATE",
            description = "A prompt with {} where the label goes; repeat to ensemble (default: \"" + DEFAULT_TEMPLATE + "\").")
    List<String> templates = new ArrayList<>();

    @Option(names = {"-k", "--top-k"}, paramLabel = "K", defaultValue = "5",
            description = "Labels to show per image, best first (default: ${DEFAULT-VALUE}, at most the number of labels).")
    int topK;

    @Mixin
    FormatOption format;

    @Mixin
    RouteOptions routing;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files to classify.")
    List<Path> images;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<String> cleaned = labels.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (cleaned.isEmpty()) {
            throw new UserInputException("--labels is empty: give comma-separated labels, e.g. --labels cat,dog");
        }
        if (cleaned.stream().distinct().count() != cleaned.size()) {
            throw new UserInputException("--labels has duplicates: " + cleaned);
        }
        if (topK < 1) {
            throw new UserInputException("--top-k must be at least 1, got " + topK);
        }
        List<String> prompts = templates.isEmpty() ? List.of(DEFAULT_TEMPLATE) : templates;
        PrintWriter out = spec.commandLine().getOut();
        if (routing.enabled()) {
            return routed(cleaned, prompts, out);
        }
        routing.requireNone();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            List<RgbImage> decoded = new ArrayList<>();
            for (Path p : images) {
                decoded.add(m.imageLoader().load(p));
            }
            List<ZeroShotResult> results = m.zeroShot(decoded, cleaned, prompts);
            print(results, null, out);
        }
        out.flush();
        return 0;
    }

    /** The student first, the teacher for the images it is not sure of. */
    private Integer routed(List<String> labels, List<String> prompts, PrintWriter out) {
        Path teacherDir = routing.teacher != null ? routing.teacher : model.resolve();
        try (MultimodalModel student = MultimodalModel.load(routing.student);
                MultimodalModel teacher = MultimodalModel.load(teacherDir)) {
            double threshold = routing.threshold(student, teacher, teacherDir);
            List<RgbImage> decoded = new ArrayList<>();
            for (Path p : images) {
                decoded.add(student.imageLoader().load(p));
            }
            List<RoutedResult> routed = new ZeroShotRouter(student, teacher, threshold).classify(decoded, labels, prompts);
            print(routed.stream().map(RoutedResult::result).toList(), routed, out);
        }
        out.flush();
        return 0;
    }

    private void print(List<ZeroShotResult> results, List<RoutedResult> routes, PrintWriter out) {
        {
            ObjectNode root = Json.object();
            ArrayNode rows = root.putArray("results");
            for (int i = 0; i < images.size(); i++) {
                ObjectNode row = rows.addObject();
                row.put("image", images.get(i).toString());
                if (routes != null) {
                    row.put("route", routes.get(i).route().label());
                    row.put("margin", routes.get(i).studentMargin());
                }
                ArrayNode scored = row.putArray("labels");
                results.get(i).labels().stream().limit(topK).forEach(ls -> {
                    ObjectNode o = scored.addObject();
                    o.put("label", ls.label());
                    o.put("score", ls.score());
                });
            }
            if (format.json()) {
                out.println(Json.compact(root));
            } else {
                for (var row : rows) {
                    out.println(row.get("image").asText() + (row.has("route") ? String.format(java.util.Locale.ROOT,
                            "  (answered by the %s; student margin %.3f)", row.get("route").asText(), row.get("margin").asDouble()) : ""));
                    for (var ls : row.get("labels")) {
                        double s = ls.get("score").asDouble();
                        out.printf("  %-24s %6.2f%%  %s%n", ls.get("label").asText(), 100 * s, bar(s));
                    }
                }
            }
        }
    }

    private static String bar(double score) {
        char[] c = new char[(int) Math.round(score * 20)];
        Arrays.fill(c, '#');
        return new String(c);
    }
}
