package io.openautoglm.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Everything the server is told at start; nothing a client sends can change it (no endpoint reads
 * a path from a request: the model comes from here only).
 *
 * @param host                where to bind; anything but a loopback address needs {@code apiKey}
 * @param port                0 picks a free port
 * @param apiKey              required as {@code Authorization: Bearer KEY} on the API when non-null
 * @param corsOrigins         origins allowed cross-origin; empty: CORS off
 * @param maxBodyBytes        request bodies above this are answered 413
 * @param maxImagePixels      pictures whose header claims more pixels are answered 413
 * @param maxInputs           inputs in one embeddings request, labels times templates in one classify request
 * @param requestTimeoutMillis how long one request may wait for the model before 503
 * @param cacheEntries        embeddings kept in the cache; 0 turns it off
 * @param shutdownGraceMillis how long a graceful stop waits for requests in flight
 * @param textBatching        micro-batching of text embeddings
 * @param imageBatching       micro-batching of picture embeddings
 * @param maxInFlight         API requests the server holds at once (counted from the moment the request
 *                            is dispatched, before its body is read); one more is answered 429 with
 *                            {@code Retry-After} at once. Each one holds an HTTP thread, so this also
 *                            sizes the thread pool ({@link #httpThreads()}) and the connection limit
 *                            ({@link #maxConnections()}); see {@link #defaultMaxInFlight}
 * @param allowedHosts        without an API key, the {@code Host} names (besides loopback names and the
 *                            hosts of {@code corsOrigins}) a request may carry; anything else is
 *                            refused 403, so a web page that rebinds its own DNS name to 127.0.0.1
 *                            cannot read this server. Lower-case names or IP literals, no port
 */
public record ServerConfig(
        String host,
        int port,
        String apiKey,
        List<String> corsOrigins,
        long maxBodyBytes,
        long maxImagePixels,
        int maxInputs,
        int requestTimeoutMillis,
        int cacheEntries,
        int shutdownGraceMillis,
        BatchingConfig textBatching,
        BatchingConfig imageBatching,
        int maxInFlight,
        List<String> allowedHosts) {

    public static final String DEFAULT_HOST = "127.0.0.1";

    /** As the canonical constructor, with no extra allowed {@code Host} names. */
    public ServerConfig(String host, int port, String apiKey, List<String> corsOrigins, long maxBodyBytes,
            long maxImagePixels, int maxInputs, int requestTimeoutMillis, int cacheEntries, int shutdownGraceMillis,
            BatchingConfig textBatching, BatchingConfig imageBatching, int maxInFlight) {
        this(host, port, apiKey, corsOrigins, maxBodyBytes, maxImagePixels, maxInputs, requestTimeoutMillis, cacheEntries,
                shutdownGraceMillis, textBatching, imageBatching, maxInFlight, List.of());
    }
    public static final int DEFAULT_PORT = 8080;

    public ServerConfig {
        corsOrigins = List.copyOf(corsOrigins);
        allowedHosts = allowedHosts.stream().map(ServerConfig::checkedHostName).toList();
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("max body size must be at least 1024 bytes, got " + maxBodyBytes);
        }
        if (maxImagePixels < 1) {
            throw new IllegalArgumentException("max image pixels must be positive, got " + maxImagePixels);
        }
        if (maxInputs < 1) {
            throw new IllegalArgumentException("max inputs must be at least 1, got " + maxInputs);
        }
        if (requestTimeoutMillis < 1) {
            throw new IllegalArgumentException("request timeout must be at least 1 ms, got " + requestTimeoutMillis);
        }
        if (cacheEntries < 0) {
            throw new IllegalArgumentException("cache entries must be 0 or more, got " + cacheEntries);
        }
        if (shutdownGraceMillis < 0) {
            throw new IllegalArgumentException("shutdown grace must be 0 or more ms, got " + shutdownGraceMillis);
        }
        if (maxInFlight < 1 || maxInFlight > MAX_IN_FLIGHT) {
            throw new IllegalArgumentException("max in-flight requests must be in 1.." + MAX_IN_FLIGHT
                    + " (each one holds a server thread), got " + maxInFlight);
        }
        if (apiKey != null && apiKey.isBlank()) {
            throw new IllegalArgumentException("the API key is blank");
        }
        if (apiKey == null && !isLoopback(host)) {
            throw new IllegalArgumentException("binding to " + host + " (not loopback) needs an API key"
                    + " (AUTOGLM_API_KEY or --api-key-file); clients then send 'Authorization: Bearer KEY'");
        }
    }

    /**
     * The largest picture a server decodes by default: 4096 x 4096. Well above what a CLIP model
     * sees (it resizes to a few hundred pixels), and small enough that the few concurrent decodes
     * stay within a modest heap.
     */
    public static final long DEFAULT_MAX_IMAGE_PIXELS = 4096L * 4096;

    /** The most requests in flight a server may be configured to hold (each holds a thread). */
    public static final int MAX_IN_FLIGHT = 4096;

    /**
     * HTTP threads beyond {@link #maxInFlight}: Jetty's acceptor and selectors, the probes,
     * {@code /metrics}, the web page, and the requests refused with 429 (each refusal holds a thread
     * for well under a millisecond). With these spare, a request over the limit never waits for a
     * thread behind the ones it would be refused for.
     */
    static final int SPARE_THREADS = 64;

    /** Connections the OS may hold for the server while it is not accepting (the listen backlog). */
    public static final int ACCEPT_QUEUE = 128;

    /**
     * The default admission limit: half the larger batcher queue (128 with the defaults). A request
     * beyond the queue would find it full anyway; half of it is what this 2-core host answered in
     * about the default queue-time limit (1 s) under overload (bench/load-test.sh: about 110
     * pictures/s while also refusing 370/s), so admitted requests mostly wait on the model rather
     * than on each other. Capped at {@link #MAX_IN_FLIGHT}.
     */
    public static int defaultMaxInFlight(BatchingConfig text, BatchingConfig image) {
        return Math.min(MAX_IN_FLIGHT, Math.max(1, Math.max(text.queueCapacity(), image.queueCapacity()) / 2));
    }

    /** Loopback, 127.0.0.1:8080, no key, no CORS, 8 MiB bodies, 4096 x 4096 pictures, batching on, cache on, 128 in flight. */
    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, null, List.of(), 8L << 20, DEFAULT_MAX_IMAGE_PIXELS, 256,
                30_000, 10_000, 10_000, BatchingConfig.DEFAULT, BatchingConfig.DEFAULT,
                defaultMaxInFlight(BatchingConfig.DEFAULT, BatchingConfig.DEFAULT));
    }

    /** The HTTP thread pool's size: every admitted request's thread plus {@link #SPARE_THREADS}. */
    public int httpThreads() {
        return maxInFlight + SPARE_THREADS;
    }

    /**
     * Open connections the server holds at most; beyond this it stops accepting (new connections wait
     * in the OS's listen backlog of {@link #ACCEPT_QUEUE}). Keep-alive clients hold idle connections,
     * so this is well above {@link #maxInFlight}: 1024 plus 4 per request in flight.
     */
    public int maxConnections() {
        return 1024 + 4 * maxInFlight;
    }

    public ServerConfig withHostPort(String newHost, int newPort) {
        return new ServerConfig(newHost, newPort, apiKey, corsOrigins, maxBodyBytes, maxImagePixels, maxInputs,
                requestTimeoutMillis, cacheEntries, shutdownGraceMillis, textBatching, imageBatching, maxInFlight, allowedHosts);
    }

    public ServerConfig withApiKey(String key) {
        return new ServerConfig(host, port, key, corsOrigins, maxBodyBytes, maxImagePixels, maxInputs,
                requestTimeoutMillis, cacheEntries, shutdownGraceMillis, textBatching, imageBatching, maxInFlight, allowedHosts);
    }

    public ServerConfig withCorsOrigins(List<String> origins) {
        return new ServerConfig(host, port, apiKey, origins, maxBodyBytes, maxImagePixels, maxInputs,
                requestTimeoutMillis, cacheEntries, shutdownGraceMillis, textBatching, imageBatching, maxInFlight, allowedHosts);
    }

    public ServerConfig withLimits(long bodyBytes, long imagePixels, int inputs, int timeoutMillis) {
        return new ServerConfig(host, port, apiKey, corsOrigins, bodyBytes, imagePixels, inputs,
                timeoutMillis, cacheEntries, shutdownGraceMillis, textBatching, imageBatching, maxInFlight, allowedHosts);
    }

    public ServerConfig withCacheEntries(int entries) {
        return new ServerConfig(host, port, apiKey, corsOrigins, maxBodyBytes, maxImagePixels, maxInputs,
                requestTimeoutMillis, entries, shutdownGraceMillis, textBatching, imageBatching, maxInFlight, allowedHosts);
    }

    public ServerConfig withShutdownGraceMillis(int millis) {
        return new ServerConfig(host, port, apiKey, corsOrigins, maxBodyBytes, maxImagePixels, maxInputs,
                requestTimeoutMillis, cacheEntries, millis, textBatching, imageBatching, maxInFlight, allowedHosts);
    }

    public ServerConfig withBatching(BatchingConfig text, BatchingConfig image) {
        return new ServerConfig(host, port, apiKey, corsOrigins, maxBodyBytes, maxImagePixels, maxInputs,
                requestTimeoutMillis, cacheEntries, shutdownGraceMillis, text, image, maxInFlight, allowedHosts);
    }

    /** The same with another admission limit (requests in flight before 429). */
    public ServerConfig withMaxInFlight(int requests) {
        return new ServerConfig(host, port, apiKey, corsOrigins, maxBodyBytes, maxImagePixels, maxInputs,
                requestTimeoutMillis, cacheEntries, shutdownGraceMillis, textBatching, imageBatching, requests, allowedHosts);
    }

    /** The same with these extra allowed {@code Host} names ({@code --allowed-host}). */
    public ServerConfig withAllowedHosts(List<String> hosts) {
        return new ServerConfig(host, port, apiKey, corsOrigins, maxBodyBytes, maxImagePixels, maxInputs,
                requestTimeoutMillis, cacheEntries, shutdownGraceMillis, textBatching, imageBatching, maxInFlight, hosts);
    }

    /**
     * An allowed Host name as compared with requests: a DNS name or an IP literal (IPv6 in brackets
     * or not), without scheme, port or path; lower-cased, IPv6 kept in brackets as Host carries it.
     */
    static String checkedHostName(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(java.util.Locale.ROOT);
        if (n.matches("[0-9a-f:]*:[0-9a-f:.]*")) {
            n = "[" + n + "]"; // a bare IPv6 literal: Host carries it in brackets
        }
        if (!n.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.?|\\[[0-9a-f:.]+]")) {
            throw new IllegalArgumentException("allowed host '" + name + "' is not a host name or IP address"
                    + " (give the name alone, e.g. --allowed-host autoglm.internal: no scheme, port or path)");
        }
        return n;
    }

    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        if (host.equals("localhost")) {
            return true;
        }
        try {
            // Literal addresses only: no DNS look-up decides whether we are exposed.
            if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
                return false;
            }
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
