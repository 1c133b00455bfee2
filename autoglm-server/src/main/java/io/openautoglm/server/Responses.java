package io.openautoglm.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/** JSON answers, and the one shape of every error: {@code {"error": {"code", "message"}}}. */
public final class Responses {
    private Responses() {}

    public static void json(Context ctx, int status, Object body) {
        try {
            ctx.status(status).contentType("application/json").result(JsonBody.MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void error(Context ctx, int status, String code, String message) {
        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message);
        json(ctx, status, root);
    }

    public static void error(Context ctx, ApiException e) {
        if (e.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Integer.toString(e.retryAfterSeconds()));
        }
        error(ctx, e.status(), e.code(), e.getMessage());
    }
}
