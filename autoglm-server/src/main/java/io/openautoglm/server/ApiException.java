package io.openautoglm.server;

/**
 * A request the server answers with a 4xx/5xx JSON error {@code {"error": {"code", "message"}}}.
 * Thrown anywhere below a handler; the one exception mapper in {@link AutoglmServer} writes it.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiException(int status, String code, String message, Integer retryAfterSeconds) {
        super(message, null, false, false); // no stack trace: these are answers, not bugs
        this.status = status;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** Seconds for a {@code Retry-After} header, or null for none. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
