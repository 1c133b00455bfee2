package io.openautoglm.server;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Multipart uploads ({@code curl -F image=@cat.jpg}), as the alternative to base64 in JSON. The
 * whole body is size-checked before the servlet container parses it, and every parsing failure is
 * a 400, never a 500.
 */
final class Multipart {
    private Multipart() {}

    static boolean isMultipart(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    /**
     * The form file {@code image}: 411 without a Content-Length (we could not bound what the
     * container buffers), 413 over the body limit, 400 when missing or malformed.
     */
    static byte[] imageFile(Context ctx) {
        checkLength(ctx);
        try {
            UploadedFile file = ctx.uploadedFile("image");
            if (file == null) {
                throw ApiException.badRequest("missing_field", "missing form file 'image'");
            }
            try (InputStream in = file.content()) {
                return in.readAllBytes();
            }
        } catch (ApiException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw unreadable(e);
        }
    }

    /** 411 without a Content-Length (we could not bound what the container buffers), 413 over the body limit. */
    private static void checkLength(Context ctx) {
        long max = ctx.attribute(Requests.MAX_BODY);
        long declared = ctx.req().getContentLengthLong();
        if (declared < 0 || declared > max) {
            throw declared < 0
                    ? new ApiException(411, "length_required", "multipart uploads need a Content-Length")
                    : Requests.tooLarge(max);
        }
    }

    /**
     * 400 for a form field or file whose name is not in {@code allowed}, as the JSON form of the
     * same route answers for an unknown key (a misspelt {@code max_lenght} must not be ignored).
     */
    static void checkFields(Context ctx, Set<String> allowed) {
        checkLength(ctx);
        Collection<Part> parts;
        try {
            parts = ctx.req().getParts();
        } catch (IOException | ServletException | RuntimeException e) {
            throw unreadable(e);
        }
        for (Part part : parts) {
            if (!allowed.contains(part.getName())) {
                throw ApiException.badRequest("unknown_field", "unknown field '" + part.getName() + "'; allowed: "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    /**
     * Has the container read and parse the whole form now (before admission); any failure is left
     * for the route, whose own read reports it as a 4xx.
     */
    static void readParts(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared < 0 || declared > (long) ctx.attribute(Requests.MAX_BODY)) {
            return; // imageFile answers 411 / 413 without reading
        }
        try {
            ctx.uploadedFiles(); // Javalin applies its multipart limits; the container keeps the parsed parts
        } catch (Exception e) { // Javalin (Kotlin) may throw the container's IOException undeclared
            // reported by the route's own read
        }
    }

    /** Form fields {@code image} (a file), {@code labels} (comma-separated or repeated), {@code template} (repeated), {@code top_k}. */
    static ClassifyRoute.Query classifyQuery(Context ctx, int maxInputs) {
        byte[] image = imageFile(ctx);
        try {
            List<String> labels = new ArrayList<>();
            for (String l : ctx.formParams("labels")) {
                Arrays.stream(l.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(labels::add);
            }
            if (labels.isEmpty()) {
                throw ApiException.badRequest("missing_field", "missing form field 'labels' (comma-separated)");
            }
            if (labels.size() > maxInputs) {
                throw ApiException.badRequest("too_many_inputs", labels.size() + " labels; at most " + maxInputs);
            }
            List<String> templates = ctx.formParams("template");
            int topK = formInt(ctx, "top_k", labels.size(), 1, maxInputs);
            return new ClassifyRoute.Query(image, labels,
                    templates.isEmpty() ? List.of(ClassifyRoute.DEFAULT_TEMPLATE) : templates, topK);
        } catch (ApiException e) {
            throw e;
        } catch (RuntimeException e) {
            throw unreadable(e);
        }
    }

    /** The container reports a malformed multipart body as IllegalStateException or IOException: a 400. */
    private static ApiException unreadable(Exception e) {
        return ApiException.badRequest("invalid_multipart", "the multipart body could not be read: "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }

    /** An integer form field in {@code min..max}; {@code fallback} when it is absent. */
    static int formInt(Context ctx, String field, int fallback, int min, int max) {
        String v = ctx.formParam(field);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the error
        }
        throw ApiException.badRequest("invalid_field", "form field '" + field + "' must be an integer in " + min + ".." + max);
    }
}
