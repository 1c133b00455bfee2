package io.openautoglm.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openautoglm.core.Provenance;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /v1/models} and {@code GET /v1/models/{id}} in OpenAI's shape, so OpenAI clients can
 * discover what to put in {@code model}: this server serves one embedding model, under the name
 * {@code /v1/embeddings} answers with. {@code created} is when the model was saved (its provenance's
 * {@code saved_at}), or when the server started for a model without one (a Hugging Face folder).
 */
final class ModelsRoute {
    static final String OWNER = "open-autoglm";

    private final String id;
    private final long created;
    private final String ownedBy;

    ModelsRoute(EmbeddingService service, Instant serverStart) {
        Provenance provenance = service.model().typedProvenance();
        this.id = service.modelName();
        this.created = savedAt(provenance, serverStart).getEpochSecond();
        JsonNode source = provenance.details().get("source");
        this.ownedBy = source != null && source.isTextual() && !source.asText().isBlank() ? source.asText() : OWNER;
    }

    /** Both routes; the id may hold slashes (a Hugging Face name such as {@code openai/clip-vit-base-patch32}). */
    List<ApiRoute> routes() {
        return List.of(ApiRoute.get("/v1/models", this::list), ApiRoute.get("/v1/models/<id>", this::one));
    }

    private static Instant savedAt(Provenance provenance, Instant fallback) {
        if (provenance.savedAt() == null) {
            return fallback;
        }
        try {
            return Instant.parse(provenance.savedAt());
        } catch (DateTimeParseException e) {
            return fallback; // a hand-edited provenance.json must not take the route down
        }
    }

    private void list(Context ctx) {
        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        root.put("object", "list");
        root.putArray("data").add(model());
        Responses.json(ctx, 200, root);
    }

    private void one(Context ctx) {
        String asked = ctx.pathParam("id");
        if (!asked.equals(id)) {
            throw new ApiException(404, "model_not_found", "this server serves model '" + id + "', not '" + asked
                    + "' (GET /v1/models lists it)");
        }
        Responses.json(ctx, 200, model());
    }

    private ObjectNode model() {
        ObjectNode m = JsonBody.MAPPER.createObjectNode();
        m.put("id", id);
        m.put("object", "model");
        m.put("created", created);
        m.put("owned_by", ownedBy);
        return m;
    }
}
