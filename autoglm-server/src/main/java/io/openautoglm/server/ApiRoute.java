package io.openautoglm.server;

import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

/**
 * One API endpoint: the seam for features that plug in later. {@code POST /api/search} (with a
 * {@code VectorIndex} from autoglm-search) and {@code /api/match}, {@code /api/vqa},
 * {@code /api/caption} (the fusion heads) are registered as 501 until an {@code ApiRoute} for the
 * same path is passed to {@link AutoglmServer#create}. Every API route gets the same guard: API key,
 * shutdown drain, deadline, metrics, JSON errors.
 */
public record ApiRoute(HandlerType method, String path, Handler handler) {
    public static ApiRoute post(String path, Handler handler) {
        return new ApiRoute(HandlerType.POST, path, handler);
    }

    public static ApiRoute get(String path, Handler handler) {
        return new ApiRoute(HandlerType.GET, path, handler);
    }
}
