package io.openautoglm.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.search.Searcher;
import io.openautoglm.search.VectorIndex;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BlockingArrayQueue;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP service: one entry point taking a config ({@link #create}), single-method handlers,
 * one guard around every API route. The model is the caller's: the server never closes it.
 *
 * <p>Bounded at every stage, whatever the request rate: at most {@link ServerConfig#maxConnections()}
 * open connections (then Jetty stops accepting and the OS holds at most
 * {@link ServerConfig#ACCEPT_QUEUE} more), a fixed pool of {@link ServerConfig#httpThreads()} threads
 * whose job queue is bounded too, and {@link Admission}: at most {@link ServerConfig#maxInFlight()}
 * API requests in flight, the next answered 429 at once. The pool has threads to spare beyond the
 * admission limit, so a refusal never waits behind admitted work.
 */
public final class AutoglmServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AutoglmServer.class);
    private static final String NEEDS_FUSION = " needs a model with fusion heads: start the server with --fusion-model DIR"
            + " (default: the bundled fusion model, when it is there) and without --no-fusion, which turns these endpoints off";

    /**
     * Endpoints that need a part beyond the dual encoder (an index, fusion heads), with the 501
     * message they answer when it is not served: how to start {@code autoglm serve} with it
     * (ServeCommandOptionsTest checks that every option named here exists).
     */
    public static final Map<String, String> UNAVAILABLE = Map.of(
            "/api/search", "search needs an index: start the server with --index DIR (from `autoglm index build` with the"
                    + " served model), or without --no-gallery to search the demo gallery",
            "/api/match", "image-text matching" + NEEDS_FUSION,
            "/api/vqa", "visual question answering" + NEEDS_FUSION,
            "/api/caption", "captioning" + NEEDS_FUSION,
            "/api/inspect", "defect inspection needs a detector: start the server with --detector DET (from `autoglm defects fit`)");

    private final ServerConfig config;
    private final EmbeddingService service;
    private final StudentRouting routing; // null: no student; /api/classify is the served model's
    private final ServerMetrics metrics;
    private final Javalin app;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Admission admission;
    private final RequestChecks checks;
    private final Instant startedAt = Instant.now();
    private final QueuedThreadPool threads;
    private final ScheduledExecutorService bodyDeadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "autoglm-body-deadline");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, BooleanSupplier> readiness = new LinkedHashMap<>();
    private final Set<String> available = new LinkedHashSet<>();
    private volatile boolean draining;
    private volatile boolean stopped;

    private AutoglmServer(ServerConfig config, ServedParts parts) {
        this.config = config;
        this.checks = new RequestChecks(config);
        List<ApiRoute> routes = new ArrayList<>();
        Set<String> paths = new LinkedHashSet<>(List.of("/v1/embeddings", "/api/classify", "/api/info", "/healthz",
                "/readyz", "/metrics", "/"));
        paths.addAll(UNAVAILABLE.keySet());
        this.metrics = new ServerMetrics(paths);
        this.service = new EmbeddingService(parts.model(), config, metrics.registry(), inFlight::get);
        this.admission = new Admission(config.maxInFlight(), service::behind, metrics.registry());
        // Fixed size; the job queue (connections waiting for a thread) is bounded by the connection limit.
        this.threads = new QueuedThreadPool(config.httpThreads(), Math.min(8, config.httpThreads()), 60_000,
                new BlockingArrayQueue<>(64, 64, config.maxConnections()));
        threads.setName("autoglm-http");
        metrics.bindHttpThreads(threads);
        List<ApiRoute> partRoutes = partRoutes(parts);
        partRoutes.forEach(r -> metrics.addRoute(r.path()));
        routes.add(ApiRoute.post("/v1/embeddings", new EmbeddingsRoute(service, config.maxInputs())));
        new ModelsRoute(service, startedAt).routes().forEach(r -> { routes.add(r); metrics.addRoute(r.path()); });
        this.routing = parts.student() == null ? null : new StudentRouting(parts.student(), config, metrics.registry(), inFlight::get);
        routes.add(ApiRoute.post("/api/classify", new ClassifyRoute(service, config.maxInputs(), routing)));
        routes.addAll(partRoutes);
        for (ApiRoute r : routes) {
            if (!available.add(r.path())) {
                throw new IllegalArgumentException("two routes for " + r.path() + ": a route of withRoutes clashes with a served part");
            }
        }
        for (var e : UNAVAILABLE.entrySet()) {
            if (!available.contains(e.getKey())) {
                routes.add(ApiRoute.post(e.getKey(), ctx -> {
                    throw new ApiException(501, "not_available", e.getValue());
                }));
            }
        }
        readiness.put("model", () -> !stopped);
        if (parts.search() != null) {
            readiness.put("index", () -> answers(parts.search().index()));
        }

        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
            c.http.maxRequestSize = config.maxBodyBytes();
            c.http.prefer405over404 = true;
            c.jetty.threadPool = threads;
            c.jetty.addConnector((server, http) -> {
                ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
                connector.setHost(config.host());
                connector.setPort(config.port());
                connector.setAcceptQueueSize(ServerConfig.ACCEPT_QUEUE);
                return connector;
            });
            c.jetty.modifyServer(server -> {
                ConnectionLimit limit = new ConnectionLimit(config.maxConnections(), server);
                server.addBean(limit);
                metrics.bindConnections(limit::getConnections, config.maxConnections());
                server.setErrorHandler(new JsonErrorHandler()); // Jetty's own 400/414/431/505 in our JSON shape
            });
            c.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = "/web";
                s.location = Location.CLASSPATH;
            });
            c.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(Integer.MAX_VALUE, config.maxBodyBytes()),
                    io.javalin.config.SizeUnit.BYTES);
            c.jetty.multipartConfig.maxFileSize(config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            c.jetty.multipartConfig.maxTotalRequestSize(config.maxBodyBytes(), io.javalin.config.SizeUnit.BYTES);
            if (!config.corsOrigins().isEmpty()) {
                c.bundledPlugins.enableCors(cors -> cors.addRule(rule -> {
                    String first = config.corsOrigins().get(0);
                    rule.allowHost(first, config.corsOrigins().subList(1, config.corsOrigins().size()).toArray(String[]::new));
                }));
            }
            c.requestLogger.http((ctx, ms) -> metrics.recordRequest(ctx.method().name(), routeOf(ctx), ctx.statusCode(),
                    Duration.ofNanos((long) (ms * 1e6))));
        });
        app.before(checks::checkHost); // every path, the page and thumbnails included
        for (ApiRoute r : routes) {
            // The 501 placeholders answer at once and hold nothing: no admission slot for them.
            boolean placeholder = UNAVAILABLE.containsKey(r.path()) && !available.contains(r.path());
            app.addHttpHandler(r.method(), r.path(), guard(placeholder ? null : r.path(), r.handler()));
        }
        app.get("/api/info", guard(null, this::info));
        app.get("/metrics", guard(null, ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape())));
        app.get("/healthz", ctx -> Responses.json(ctx, 200, JsonBody.MAPPER.createObjectNode().put("status", "ok")));
        app.get("/readyz", this::ready);
        app.exception(ApiException.class, (e, ctx) -> Responses.error(ctx, e));
        app.exception(HttpResponseException.class, (e, ctx) -> Responses.error(ctx, e.getStatus(),
                e.getStatus() == 413 ? "body_too_large" : e.getStatus() == 404 ? "not_found" : "http_" + e.getStatus(),
                e.getMessage()));
        app.exception(UserInputException.class, (e, ctx) -> Responses.error(ctx, 400, "invalid_input", e.getMessage()));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.error("internal error on {} {}", ctx.method(), ctx.path(), e);
            Responses.error(ctx, 500, "internal", "internal error: " + e.getClass().getSimpleName());
        });
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                Responses.error(ctx, 404, "not_found", "no such endpoint: " + ctx.method() + " " + ctx.path());
            }
        });
        app.error(405, ctx -> Responses.error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()));
    }

    /** The server for {@code model} alone: embeddings and classification; search and fusion answer 501. */
    public static AutoglmServer create(ServerConfig config, MultimodalModel model) {
        return create(config, ServedParts.of(model));
    }

    /** The server for {@code parts}: their routes, and a 501 placeholder for each endpoint without its part. */
    public static AutoglmServer create(ServerConfig config, ServedParts parts) {
        return new AutoglmServer(config, parts);
    }

    /**
     * The routes of the served parts. Search and fusion routes embed and decode through the
     * server's own {@link EmbeddingService}, so batching, the cache and the decoder pool apply to them too.
     */
    private List<ApiRoute> partRoutes(ServedParts parts) {
        List<ApiRoute> out = new ArrayList<>();
        if (parts.search() != null) {
            VectorIndex index = parts.search().index();
            Searcher searcher = parts.search().reranking().searcher(index, parts.fusion(), parts.model());
            out.addAll(new SearchRoutes(index, searcher, service, config.maxImagePixels()).routes());
        }
        if (parts.fusion() != null) {
            out.addAll(new FusionRoutes(parts.fusion(), service).routes());
        }
        out.addAll(parts.extraRoutes());
        return out;
    }

    /** The "index" readiness check: the index still answers (it has not been closed under the server). */
    private static boolean answers(VectorIndex index) {
        try {
            index.count();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Binds and starts answering; returns this for chaining. */
    public AutoglmServer start() {
        app.start(); // on the connector configured in the constructor (host, port, accept queue)
        return this;
    }

    public int port() {
        return app.port();
    }

    public String url() {
        String bare = config.host().replace("[", "").replace("]", "");
        String host = bare.contains(":") ? "[" + bare + "]" : bare; // IPv6 in brackets once, given bracketed or not
        return "http://" + host + ":" + port();
    }

    /**
     * The Host names this server answers when it has no API key (loopback, {@code --allowed-host},
     * the {@code --cors-origin} hosts); with a key, Host is not checked.
     */
    public Set<String> allowedHosts() {
        return checks.allowedHosts();
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public EmbeddingService service() {
        return service;
    }

    /** The route pattern that answered ({@code /api/thumbnail/<id>}), so metrics have one series per route, not per id. */
    private static String routeOf(Context ctx) {
        try {
            String pattern = ctx.endpointHandlerPath();
            return pattern == null || pattern.isEmpty() || pattern.equals("*") ? ctx.path() : pattern;
        } catch (RuntimeException e) {
            return ctx.path();
        }
    }

    /**
     * Wraps an API handler: shutdown drain, API key, admission (429 at once when {@code admitted}
     * names the route and the server already holds its limit of requests), in-flight count, deadline.
     * The body is read first (with a deadline), so a client stalled mid-body holds no slot; a
     * refused request still costs no decode and no model time.
     */
    private Handler guard(String admitted, Handler handler) {
        return ctx -> {
            if (draining) {
                ctx.header("Connection", "close");
                throw new ApiException(503, "shutting_down", "the server is shutting down", 1);
            }
            checks.checkApiKey(ctx);
            RequestChecks.checkContentType(ctx);
            ctx.attribute(Requests.MAX_BODY, config.maxBodyBytes());
            ctx.attribute(Requests.DEADLINE, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.requestTimeoutMillis()));
            // Counted from arrival (the batchers wait for company only while requests are held,
            // and a graceful stop waits for these too); a slot is taken once the body is in.
            inFlight.incrementAndGet();
            try {
                if (admitted == null) {
                    handler.handle(ctx);
                    return;
                }
                readBody(ctx);
                admission.enter(admitted);
                try {
                    handler.handle(ctx);
                } finally {
                    admission.leave();
                }
            } finally {
                inFlight.decrementAndGet();
            }
        };
    }

    /**
     * Reads a POST body before the request takes an admission slot, so a client that sends its
     * headers and then stalls holds a thread, not one of the --max-in-flight slots. The read has
     * a deadline (the request timeout, from arrival): past it the connection is closed, however
     * slowly bytes trickle in (Jetty's idle timeout restarts with every byte).
     */
    private void readBody(Context ctx) {
        if (ctx.method() != HandlerType.POST) {
            return;
        }
        long left = Requests.deadline(ctx) - System.nanoTime();
        ScheduledFuture<?> watchdog = bodyDeadlines.schedule(() -> closeConnection(ctx), Math.max(0, left), TimeUnit.NANOSECONDS);
        try {
            if (Multipart.isMultipart(ctx)) {
                Multipart.readParts(ctx);
            } else {
                Requests.body(ctx);
            }
        } finally {
            watchdog.cancel(false);
        }
    }

    private static void closeConnection(Context ctx) {
        try {
            org.eclipse.jetty.server.Request.getBaseRequest(ctx.req()).getHttpChannel().getEndPoint().close();
        } catch (RuntimeException e) {
            LOG.debug("could not close a connection past its body deadline", e);
        }
    }

    private void info(Context ctx) {
        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        root.put("model", service.modelName());
        root.put("model_id", service.modelId());
        root.put("dimensions", service.dimensions());
        root.put("image_size", service.model().preprocessor().imageSize());
        root.put("auth_required", config.apiKey() != null);
        ArrayNode endpoints = root.putArray("endpoints");
        available.forEach(endpoints::add);
        ArrayNode missing = root.putArray("not_available");
        UNAVAILABLE.keySet().stream().filter(p -> !available.contains(p)).sorted().forEach(missing::add);
        ObjectNode limits = root.putObject("limits");
        limits.put("max_body_bytes", config.maxBodyBytes());
        limits.put("max_image_pixels", config.maxImagePixels());
        limits.put("max_inputs", config.maxInputs());
        limits.put("request_timeout_ms", config.requestTimeoutMillis());
        limits.put("max_in_flight", config.maxInFlight());
        limits.put("max_connections", config.maxConnections());
        ObjectNode batching = root.putObject("batching");
        describe(batching.putObject("text"), config.textBatching());
        describe(batching.putObject("image"), config.imageBatching());
        Responses.json(ctx, 200, root);
    }

    private static void describe(ObjectNode out, BatchingConfig b) {
        out.put("max_batch_size", b.maxBatchSize()).put("max_wait_ms", b.maxWaitMillis()).put("queue_capacity", b.queueCapacity())
                .put("max_queue_ms", b.maxQueueMillis());
    }

    private void ready(Context ctx) {
        ObjectNode root = JsonBody.MAPPER.createObjectNode();
        ObjectNode checks = root.putObject("checks");
        boolean ok = !draining;
        for (var e : readiness.entrySet()) {
            boolean pass = e.getValue().getAsBoolean();
            checks.put(e.getKey(), pass);
            ok &= pass;
        }
        checks.put("accepting", !draining);
        root.put("status", ok ? "ready" : "not_ready");
        Responses.json(ctx, ok ? 200 : 503, root);
    }

    /**
     * Graceful stop: refuse new API requests (503, readiness fails), wait up to the grace period
     * for requests in flight, let the batchers finish what is queued, then stop the HTTP server.
     * Safe to call twice and from a shutdown hook.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        draining = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownGraceMillis());
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inFlight.get() > 0) {
            LOG.warn("{} requests still in flight after the {} ms grace period; stopping anyway", inFlight.get(),
                    config.shutdownGraceMillis());
        }
        service.close();
        if (routing != null) {
            routing.close();
        }
        app.stop();
        bodyDeadlines.shutdownNow();
        stopped = true;
        metrics.close();
    }

    public int inFlight() {
        return inFlight.get();
    }

    @Override
    public void close() {
        stop();
    }
}
