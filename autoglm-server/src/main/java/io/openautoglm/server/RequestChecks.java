package io.openautoglm.server;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a request must show before any route reads it: the API key when one is set; without one, a
 * {@code Host} this server answers to (so a page that rebinds its own DNS name to 127.0.0.1 cannot
 * read a loopback server); and on POST a body type a browser cannot send cross-origin without a
 * preflight ({@code application/json}) or a multipart form.
 */
final class RequestChecks {
    private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "[::1]");

    private final byte[] expectedKeyHash; // SHA-256 of "Bearer KEY" in UTF-8; null: no key
    private final Set<String> allowedHosts = new LinkedHashSet<>();

    RequestChecks(ServerConfig config) {
        this.expectedKeyHash = config.apiKey() == null ? null
                : sha256(("Bearer " + config.apiKey()).getBytes(StandardCharsets.UTF_8));
        allowedHosts.addAll(LOOPBACK_NAMES);
        allowedHosts.addAll(config.allowedHosts());
        for (String origin : config.corsOrigins()) {
            String host = originHost(origin);
            if (host != null) {
                allowedHosts.add(host);
            }
        }
    }

    /** The Host names answered without an API key: loopback, --allowed-host, the --cors-origin hosts (in that order). */
    Set<String> allowedHosts() {
        return java.util.Collections.unmodifiableSet(allowedHosts);
    }

    /** The host of a CORS origin ({@code https://app.example:3000} gives {@code app.example}); null for {@code *} or junk. */
    static String originHost(String origin) {
        try {
            String host = URI.create(origin.strip()).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Without an API key: 403 unless the request's Host names this server (any port). With a key, the key is the check. */
    void checkHost(Context ctx) {
        if (expectedKeyHash != null) {
            return;
        }
        String host = hostName(ctx.header("Host"));
        if (host == null || !allowedHosts.contains(host)) {
            throw new ApiException(403, "host_not_allowed", "this server answers Host "
                    + String.join(", ", allowedHosts) + ", not '" + ctx.header("Host") + "': start it with --allowed-host NAME"
                    + " for the name clients use, or set an API key (AUTOGLM_API_KEY or --api-key-file)");
        }
    }

    /** The name part of a Host header, lower-cased ({@code [::1]:8080} gives {@code [::1]}); null when absent or malformed. */
    static String hostName(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            if (end < 0 || (end + 1 < h.length() && !h.substring(end + 1).matches(":[0-9]*"))) {
                return null;
            }
            return h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        if (colon >= 0 && !h.substring(colon).matches(":[0-9]*")) {
            return null;
        }
        return colon < 0 ? h : h.substring(0, colon);
    }

    /** A POST body must be JSON (any charset) or a multipart form: 415 otherwise, before it is read. */
    static void checkContentType(Context ctx) {
        if (ctx.method() != HandlerType.POST) {
            return;
        }
        String type = ctx.contentType();
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") && !media.equals("multipart/form-data")) {
            throw new ApiException(415, "unsupported_media_type", (type == null ? "no Content-Type" : "Content-Type '" + type + "'")
                    + ": send 'Content-Type: application/json' (curl: -H 'Content-Type: application/json')"
                    + " or a multipart form (curl -F)");
        }
    }

    /**
     * 401 unless {@code Authorization: Bearer KEY}. Jetty hands header bytes over as ISO-8859-1
     * characters, so those characters are turned back into the bytes the client sent and compared
     * with the key's UTF-8 bytes: a non-ASCII key sent as UTF-8 matches. Hashes are compared, so the
     * time taken says nothing about the key, not even its length.
     */
    void checkApiKey(Context ctx) {
        if (expectedKeyHash == null) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !MessageDigest.isEqual(sha256(wireBytes(header)), expectedKeyHash)) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "unauthorized", "missing or wrong API key: send 'Authorization: Bearer KEY'");
        }
    }

    /** The bytes a header value came as: ISO-8859-1 maps each byte to one char; anything beyond that was decoded otherwise. */
    static byte[] wireBytes(String header) {
        boolean latin1 = header.chars().allMatch(c -> c <= 0xFF);
        return header.getBytes(latin1 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
    }
}
