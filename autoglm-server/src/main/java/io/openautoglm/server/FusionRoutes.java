package io.openautoglm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.openautoglm.core.FusionInference;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.fusion.CaptionSearch;
import java.util.List;
import java.util.Set;

/**
 * The understanding endpoints, answered by a model with fusion heads: {@code POST /api/match}
 * ({@code image}, {@code text}), {@code POST /api/vqa} ({@code image}, {@code question}) and
 * {@code POST /api/caption} ({@code image}, optional {@code beam}, {@code max_length}). Pictures come
 * as base64 in JSON or as the multipart file {@code image} with the other fields as form fields.
 * Each request is one model call (no micro-batching); admission control bounds how many run at once,
 * and pictures are decoded under the embedding service's bounded decoder pool, as on the embedding routes.
 */
final class FusionRoutes {
    private static final int MAX_TEXT_CHARS = 2_000;
    private static final int MAX_BEAM = 8;

    private final MultimodalModel model;
    private final FusionInference fusion;
    private final EmbeddingService decoders;

    /**
     * @param model    a model with fusion heads (the caller keeps ownership)
     * @param decoders the server's service, whose decoder pool and pixel limit the pictures go through
     */
    FusionRoutes(MultimodalModel model, EmbeddingService decoders) {
        this.model = model;
        this.fusion = model.fusion();
        this.decoders = decoders;
    }

    List<ApiRoute> routes() {
        return List.of(ApiRoute.post("/api/match", this::match), ApiRoute.post("/api/vqa", this::vqa),
                ApiRoute.post("/api/caption", this::caption));
    }

    /** A request's picture and fields, however it came. */
    private record Form(byte[] image, JsonBody json, Context ctx) {
        String text(String field, boolean required) {
            String v = json != null ? (required ? json.requiredString(field) : json.optionalString(field, null)) : ctx.formParam(field);
            if (v == null && required) {
                throw ApiException.badRequest("missing_field", "missing field '" + field + "'");
            }
            if (v != null && (v.isBlank() || v.length() > MAX_TEXT_CHARS)) {
                throw ApiException.badRequest("invalid_field", "field '" + field + "' must hold 1 to " + MAX_TEXT_CHARS + " characters");
            }
            return v;
        }

        int integer(String field, int fallback, int min, int max) {
            return json != null ? json.optionalInt(field, fallback, min, max) : Multipart.formInt(ctx, field, fallback, min, max);
        }
    }

    private static Form form(Context ctx, Set<String> fields) {
        if (Multipart.isMultipart(ctx)) {
            Multipart.checkFields(ctx, fields);
            return new Form(Multipart.imageFile(ctx), null, ctx);
        }
        JsonBody body = JsonBody.parse(Requests.body(ctx), fields);
        return new Form(ImageData.decode(body.requiredString("image"), "image"), body, ctx);
    }

    private RgbImage picture(Form f) {
        return decoders.decodePicture(f.image(), "image", Requests.deadline(f.ctx()));
    }

    private void match(Context ctx) {
        Form f = form(ctx, Set.of("image", "text"));
        String text = f.text("text", true);
        float p = fusion.match(picture(f), text);
        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        root.put("model", model.name());
        root.put("match", p);
        Responses.json(ctx, 200, root);
    }

    private void vqa(Context ctx) {
        Form f = form(ctx, Set.of("image", "question"));
        String question = f.text("question", true);
        FusionInference.Answer a = fusion.answer(picture(f), question);
        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        root.put("model", model.name());
        root.put("answer", a.answer());
        root.put("score", a.score());
        ArrayNode top = root.putArray("top");
        a.top().forEach(ls -> top.addObject().put("answer", ls.label()).put("score", ls.score()));
        Responses.json(ctx, 200, root);
    }

    private void caption(Context ctx) {
        Form f = form(ctx, Set.of("image", "beam", "max_length"));
        int beam = f.integer("beam", 1, 1, MAX_BEAM);
        int maxLength = f.integer("max_length", 30, 1, model.config().text().contextLength());
        String caption = fusion.caption(List.of(picture(f)), new CaptionSearch.Options(beam, 1.0, maxLength)).get(0);
        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        root.put("model", model.name());
        root.put("caption", caption);
        Responses.json(ctx, 200, root);
    }
}
