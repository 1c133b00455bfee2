package io.openautoglm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.ZeroShotResult;
import io.openautoglm.core.routing.Route;
import io.openautoglm.core.routing.ZeroShotRouter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /api/classify}: zero-shot labels for one picture with prompt ensembling (each label
 * through every template, averaged), softmax scores best first. Label prompts go through the text
 * cache, so a page that asks the same labels again pays only for the picture. With a student
 * ({@link StudentRouting}) the student answers when its margin reaches the threshold, the served
 * model otherwise, and the answer says which ({@code "route"}) and the student's {@code "margin"}.
 */
final class ClassifyRoute implements Handler {
    static final String DEFAULT_TEMPLATE = "a photo of a {}.";
    private static final Set<String> FIELDS = Set.of("image", "labels", "templates", "top_k");

    private final EmbeddingService service;
    private final int maxInputs;
    private final StudentRouting routing; // null: the served model answers every request

    ClassifyRoute(EmbeddingService service, int maxInputs) {
        this(service, maxInputs, null);
    }

    ClassifyRoute(EmbeddingService service, int maxInputs, StudentRouting routing) {
        this.service = service;
        this.maxInputs = maxInputs;
        this.routing = routing;
    }

    /** What a classify request asks, however it came (JSON or multipart). */
    record Query(byte[] image, List<String> labels, List<String> templates, int topK) {}

    @Override
    public void handle(Context ctx) {
        Query q = Multipart.isMultipart(ctx) ? Multipart.classifyQuery(ctx, maxInputs) : fromJson(ctx);
        validate(q);
        long deadline = Requests.deadline(ctx);
        List<String> prompts = new ArrayList<>();
        for (String label : q.labels()) {
            for (String t : q.templates()) {
                prompts.add(t.replace("{}", label));
            }
        }
        EmbeddingService answering = service;
        ZeroShotResult result;
        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        if (routing == null) {
            result = classify(service, q, prompts, deadline);
        } else {
            result = classify(routing.student(), q, prompts, deadline);
            float margin = ZeroShotRouter.margin(result);
            Route route = ZeroShotRouter.decide(margin, routing.threshold());
            if (route == Route.TEACHER) {
                result = classify(service, q, prompts, deadline);
            } else {
                answering = routing.student();
            }
            routing.count(route);
            root.put("route", route.label());
            root.put("margin", margin);
        }
        root.put("model", answering.modelName());
        ArrayNode labels = root.putArray("labels");
        result.labels().stream().limit(q.topK()).forEach(ls -> {
            ObjectNode o = labels.addObject();
            o.put("label", ls.label());
            o.put("score", ls.score());
        });
        Responses.json(ctx, 200, root);
    }

    /** Zero-shot with one model's batched, cached embeddings. */
    private static ZeroShotResult classify(EmbeddingService with, Query q, List<String> prompts, long deadline) {
        float[] image = with.embedImages(List.of(q.image()), deadline).get(0); // (D)
        float[][] promptVectors = with.embedTexts(prompts, deadline).toArray(new float[0][]); // (L * P, D)
        float[][] classes = MultimodalModel.ensemblePrompts(promptVectors, q.labels().size(), q.templates().size()); // (L, D)
        return MultimodalModel.scoreLabels(image, classes, q.labels(), with.logitScale());
    }

    private Query fromJson(Context ctx) {
        JsonBody body = JsonBody.parse(Requests.body(ctx), FIELDS);
        byte[] image = ImageData.decode(body.requiredString("image"), "image");
        List<String> labels = body.stringList("labels", true, false, maxInputs);
        List<String> templates = body.stringList("templates", false, false, maxInputs);
        int topK = body.optionalInt("top_k", labels.size(), 1, maxInputs);
        return new Query(image, labels, templates.isEmpty() ? List.of(DEFAULT_TEMPLATE) : templates, topK);
    }

    private void validate(Query q) {
        if (new HashSet<>(q.labels()).size() != q.labels().size()) {
            throw ApiException.badRequest("invalid_field", "field 'labels' has duplicates");
        }
        for (String t : q.templates()) {
            if (!t.contains("{}")) {
                throw ApiException.badRequest("invalid_field", "template '" + t + "' has no {} where the label goes");
            }
        }
        if ((long) q.labels().size() * q.templates().size() > maxInputs) {
            throw ApiException.badRequest("too_many_inputs", q.labels().size() + " labels x " + q.templates().size()
                    + " templates = " + (long) q.labels().size() * q.templates().size() + " prompts; at most " + maxInputs);
        }
    }
}
