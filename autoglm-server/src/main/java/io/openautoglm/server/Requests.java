package io.openautoglm.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;

/** What every API handler needs from the request: the bounded body and the deadline. */
public final class Requests {
    static final String DEADLINE = "autoglm.deadlineNanos";
    static final String MAX_BODY = "autoglm.maxBodyBytes";
    private static final String BODY = "autoglm.body";

    private Requests() {}

    /** The body, at most the configured size (413 beyond, whether or not Content-Length said so). */
    public static byte[] body(Context ctx) {
        byte[] read = ctx.attribute(BODY);
        if (read != null) {
            return read; // read once, before admission (see AutoglmServer's guard)
        }
        long max = ctx.attribute(MAX_BODY);
        long declared = ctx.req().getContentLengthLong();
        if (declared > max) {
            throw tooLarge(max);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (bytes.length > max) {
                throw tooLarge(max);
            }
            ctx.attribute(BODY, bytes);
            return bytes;
        } catch (IOException e) {
            throw ApiException.badRequest("invalid_body", "could not read the request body: " + e.getMessage());
        }
    }

    static ApiException tooLarge(long max) {
        return new ApiException(413, "body_too_large", "the request body is over the limit of " + max + " bytes");
    }

    /** When this request must have its answer ({@link System#nanoTime()} scale). */
    public static long deadline(Context ctx) {
        return ctx.attribute(DEADLINE);
    }
}
