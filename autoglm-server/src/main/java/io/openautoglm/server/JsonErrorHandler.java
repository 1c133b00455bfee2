package io.openautoglm.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.ErrorHandler;

/**
 * Jetty's own answers (a malformed request line, a URI or headers too large, an unknown HTTP
 * version: rejected before any route runs) in our error shape {@code {"error": {"code", "message"}}}
 * with {@code Content-Type: application/json}, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    /** The request never reached a handler: Jetty answers with these bytes and headers. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    /** An error the container raised after parsing (it called {@code sendError}). */
    @Override
    protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request, HttpServletResponse response,
            int code, String message) throws IOException {
        baseRequest.setHandled(true);
        response.setContentType("application/json");
        byte[] body = body(code, message);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    static byte[] body(int status, String reason) {
        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code(status));
        error.put("message", reason == null || reason.isBlank() ? HttpStatus.getMessage(status) : reason);
        try {
            return JsonBody.MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 505 -> "http_version_not_supported";
            default -> "http_" + status;
        };
    }
}
