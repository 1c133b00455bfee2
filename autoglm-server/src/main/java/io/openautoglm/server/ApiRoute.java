package io.openautoglm.server;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One API endpoint. The server builds its own from its {@link ServedParts}; a caller's own routes
 * come in through {@link ServedParts#withRoutes} (one for {@code /api/search}, {@code /api/match},
 * {@code /api/vqa} or {@code /api/caption} replaces the 501 placeholder that path answers without
 * its part). Every API route gets the same guard: API key, shutdown drain, deadline, metrics, JSON errors.
 */
public record ApiRoute(HandlerType method, String path, Handler handler) {
    public static ApiRoute post(String path, Handler handler) {
        return new ApiRoute(HandlerType.POST, path, handler);
    }

    public static ApiRoute get(String path, Handler handler) {
        return new ApiRoute(HandlerType.GET, path, handler);
    }
}
