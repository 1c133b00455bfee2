package io.openautoglm.cli;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.search.IndexDirectory;
import io.openautoglm.search.ModelIdentity;
import io.openautoglm.search.Reranking;
import io.openautoglm.search.VectorIndex;
import io.openautoglm.server.AutoglmServer;
import io.openautoglm.server.BatchingConfig;
import io.openautoglm.server.ServedParts;
import io.openautoglm.server.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"HTTP API and web page: embeddings (OpenAI-compatible), zero-shot classification, search (--index, or a demo gallery), metrics.",
            "The first line printed is 'listening on http://HOST:PORT'.",
            "SIGTERM or Ctrl-C stops gracefully: new requests are refused, requests in",
            "flight finish (bounded wait). API: docs/api.md.",
            "Overloaded (--max-in-flight requests in flight, or a model queue full),",
            "it answers 429 with Retry-After at once."})
final class ServeCommand implements Callable<Integer> {
    /** Running servers in this JVM, so tests that run the command in-process can stop it. */
    static final List<ServeCommand> RUNNING = new CopyOnWriteArrayList<>();

    @Mixin
    ModelOption model;

    @Option(names = "--detector", paramLabel = "DET", description = "Serve POST /api/inspect with this defect detector (from `autoglm defects fit`).")
    Path detector;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to bind (default: ${DEFAULT-VALUE}); anything but loopback needs an API key.")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Port (default: ${DEFAULT-VALUE}); 0 picks a free one.")
    int port;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File whose first line is the API key clients must send as 'Authorization: Bearer KEY'"
                    + " (or set AUTOGLM_API_KEY; default: no key, which only loopback allows).")
    Path apiKeyFile;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN",
            description = "Allow browser pages from ORIGIN (e.g. http://localhost:3000) to call the API; repeat for more (default: CORS off).")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--allowed-host", paramLabel = "NAME",
            description = "Without an API key, also answer requests whose Host is NAME (e.g. a name /etc/hosts or a proxy gives"
                    + " this machine); repeat for more. Default: only localhost, 127.0.0.1, [::1] and the --cors-origin hosts,"
                    + " so a web page cannot reach the server by rebinding its own DNS name. With a key, Host is not checked.")
    List<String> allowedHosts = new ArrayList<>();

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32",
            description = "Most items per model call when coalescing concurrent requests (default: ${DEFAULT-VALUE}; 1 turns batching off).")
    int batchSize;

    @Option(names = "--batch-wait-ms", paramLabel = "MS", defaultValue = "5",
            description = "Longest wait for more items after the first of a batch (default: ${DEFAULT-VALUE}).")
    int batchWaitMs;

    @Option(names = "--queue-capacity", paramLabel = "N", defaultValue = "256",
            description = "Items waiting per model function before requests get 429 (default: ${DEFAULT-VALUE}).")
    int queueCapacity;

    @Option(names = "--max-queue-ms", paramLabel = "MS", defaultValue = "" + BatchingConfig.DEFAULT_MAX_QUEUE_MILLIS,
            description = "When the oldest item waiting for a model has waited longer than this, the model is behind:"
                    + " new API requests get 429 with Retry-After at once until it catches up. Bounds how long admitted"
                    + " requests wait when the server is overloaded (default: ${DEFAULT-VALUE}).")
    int maxQueueMs;

    @Option(names = "--max-in-flight", paramLabel = "N",
            description = "API requests the server holds at once; one more gets 429 with Retry-After at once, before"
                    + " its body is read (1.." + ServerConfig.MAX_IN_FLIGHT + "; default: half the --queue-capacity, 128"
                    + " unless changed). Each holds a server thread.")
    Integer maxInFlight;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "30000",
            description = "Longest a request waits for the model before 503 (default: ${DEFAULT-VALUE}).")
    int timeoutMs;

    @Option(names = "--max-body-bytes", paramLabel = "BYTES", defaultValue = "8388608",
            description = "Largest request body; larger gets 413 (default: ${DEFAULT-VALUE}).")
    long maxBodyBytes;

    @Option(names = "--max-image-pixels", paramLabel = "N", defaultValue = "16777216",
            description = "Largest picture (width x height, read before decoding); larger gets 413 (default: ${DEFAULT-VALUE}).")
    long maxImagePixels;

    @Option(names = "--max-inputs", paramLabel = "N", defaultValue = "256",
            description = "Most inputs per embeddings request, and labels x templates per classify request (default: ${DEFAULT-VALUE}).")
    int maxInputs;

    @Option(names = "--cache-entries", paramLabel = "N", defaultValue = "10000",
            description = "Embeddings kept in the cache (default: ${DEFAULT-VALUE}; 0 turns it off).")
    int cacheEntries;

    @Option(names = "--index", paramLabel = IndexLocation.LABEL,
            description = "Serve search over this index folder or SolrCloud collection (from `autoglm index build`):"
                    + " POST /api/search, GET /api/thumbnail/ID. It must have been built with the served model.")
    String index;

    @Option(names = "--fusion-model", paramLabel = "DIR",
            description = {"A model with fusion heads for /api/match, /api/vqa and /api/caption (default: the bundled",
                "" + FusionModelOption.BUNDLED + " when it is there; without one those endpoints answer 501)."})
    Path fusionModel;

    @Option(names = "--no-fusion", description = "Load no fusion model: /api/match, /api/vqa and /api/caption answer 501.")
    boolean noFusion;

    @Option(names = "--no-gallery", description = "Without --index: serve no search (default: search a demo gallery of"
            + " ShapeWorld pictures, generated and indexed on the first start, reused later).")
    boolean noGallery;

    @Mixin
    RerankOption rerank;

    @Option(names = "--student", paramLabel = "DIR",
            description = {"Route POST /api/classify: this light model answers when its margin (top-1 minus top-2 probability)",
                "reaches the threshold (--route or --threshold), the served --model (the teacher) otherwise; /metrics counts",
                "autoglm_route_total{route=\"student|teacher\"}. Embeddings and search stay the --model's (one space)."})
    Path student;

    @Option(names = "--route", paramLabel = "ROUTE.json",
            description = "With --student: the threshold from `autoglm route calibrate` for this student and --model.")
    Path route;

    @Option(names = "--threshold", paramLabel = "T", description = "With --student: this threshold instead of --route.")
    Double threshold;

    @Option(names = "--gallery-dir", paramLabel = "DIR",
            description = "Where the demo gallery lives (default: ~/.cache/autoglm/gallery, or $AUTOGLM_CACHE_DIR/gallery).")
    Path galleryDir;

    @Spec
    CommandSpec spec;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private AutoglmServer server;
    private MultimodalModel loaded;
    private MultimodalModel fusion; // null: the fusion endpoints answer 501
    private MultimodalModel studentModel; // null: /api/classify is the served model's alone
    private VectorIndex searchIndex; // null when serving no search (--no-gallery)

    @Override
    public Integer call() throws InterruptedException {
        quietServerLogs();
        ServerConfig config;
        try {
            config = new ServerConfig(host, port, apiKey(), corsOrigins, maxBodyBytes, maxImagePixels, maxInputs,
                    timeoutMs, cacheEntries, 10_000, batching(), batching(),
                    maxInFlight != null ? maxInFlight : ServerConfig.defaultMaxInFlight(batching(), batching()))
                    .withAllowedHosts(allowedHosts);
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        Reranking reranking = rerank.reranking();
        if (reranking.enabled() && index == null && noGallery) {
            throw new UserInputException("--rerank re-ranks search results, and --no-gallery without --index serves no search:"
                    + " give --index DIR or leave out --no-gallery");
        }
        if (reranking.needsMatcher() && noFusion) {
            throw new UserInputException("--reranker matching re-scores with the served fusion model, and --no-fusion loads none:"
                    + " leave out --no-fusion (or use --reranker vectors)");
        }
        Path modelDir = model.resolve();
        IndexLocation location = index == null ? null : IndexLocation.parse(index);
        // An index that is not there (or a SolrCloud that does not answer) fails before the model loads.
        searchIndex = location == null ? null : location.openToSearch();
        try {
            loaded = MultimodalModel.load(modelDir);
        } catch (RuntimeException e) {
            closeIndex();
            throw e;
        }
        try {
            if (searchIndex != null || !noGallery) {
                ModelIdentity identity = ModelIdentity.of(modelDir, loaded);
                String what = location != null ? location.describe() : null;
                if (searchIndex == null) {
                    IndexDirectory gallery = IndexDirectory.read(DemoGallery.prepare(galleryDir != null ? galleryDir
                            : DemoGallery.defaultDir(), identity, loaded, spec.commandLine().getErr()));
                    what = "index " + gallery.dir();
                    searchIndex = gallery.open(false);
                }
                searchIndex.model().requireSameModel(identity, what);
            }
        } catch (RuntimeException e) {
            closeIndex();
            loaded.close();
            throw e;
        }
        ServedParts parts;
        try {
            fusion = loadFusionModel();
            if (reranking.needsMatcher() && fusion == null) {
                throw new UserInputException("--reranker matching re-scores with the served fusion model, and there is none"
                        + " (the bundled " + FusionModelOption.BUNDLED + " is missing): give --fusion-model DIR");
            }
            parts = ServedParts.of(loaded);
            if (fusion != null) {
                parts = parts.withFusion(fusion);
            }
            if (searchIndex != null) {
                parts = parts.withSearch(searchIndex, reranking);
            }
            if (detector != null) {
                parts = parts.withRoutes(DefectsInspectRoute.routes(detector));
            }
            if (student != null) {
                studentModel = MultimodalModel.load(student);
                parts = parts.withStudent(studentModel, RouteOptions.resolve(route, threshold, student, studentModel, modelDir, loaded));
            } else if (route != null || threshold != null) {
                throw new UserInputException((route != null ? "--route" : "--threshold") + " needs --student DIR");
            }
        } catch (RuntimeException e) {
            closeStudent();
            closeFusion();
            closeIndex();
            loaded.close();
            throw e;
        }
        try {
            server = AutoglmServer.create(config, parts).start();
        } catch (RuntimeException e) {
            closeIndex();
            closeFusion();
            closeStudent();
            loaded.close();
            throw new UserInputException("cannot listen on " + host + ":" + port + ": " + rootMessage(e)
                    + (port != 0 ? " (is the port in use? --port 0 picks a free one)" : ""));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("listening on " + server.url());
        if (config.apiKey() == null) {
            out.println("no API key: answering Host " + String.join(", ", server.allowedHosts())
                    + " only (other names: --allowed-host NAME)");
        }
        io.openautoglm.core.MklVendorCheck.note().ifPresent(out::println);
        out.println("model " + loaded.name() + " (" + loaded.embeddingDim() + " dimensions); open " + server.url()
                + "/ in a browser; API in docs/api.md; Ctrl-C stops");
        if (studentModel != null) {
            out.printf(java.util.Locale.ROOT, "classify routed: %s answers at margin >= %.4f, %s otherwise%n", studentModel.name(),
                    parts.student().threshold(), loaded.name());
        }
        if (fusion != null) {
            out.println("matching, questions and captions with " + fusion.name() + ": POST /api/match, /api/vqa, /api/caption");
        }
        if (searchIndex != null) {
            out.println("search over " + (index != null ? "index " + index : "the demo gallery") + " (" + searchIndex.count()
                    + " pictures): POST /api/search" + (reranking.enabled()
                            ? "; the top " + reranking.top() + " re-ranked by " + reranking.kind().label() : ""));
        }
        out.flush();
        Thread hook = new Thread(this::shutdown, "autoglm-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        RUNNING.add(this);
        try {
            stopped.await();
        } finally {
            RUNNING.remove(this);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running
            }
        }
        return 0;
    }

    /** Graceful stop (SIGTERM, Ctrl-C, or a test): drain the server, then free the model. */
    synchronized void shutdown() {
        if (stopped.getCount() == 0) {
            return;
        }
        server.stop();
        closeIndex();
        closeFusion();
        closeStudent();
        loaded.close();
        stopped.countDown();
    }

    /** --fusion-model, else the bundled fusion model when it is there, else none. */
    private MultimodalModel loadFusionModel() {
        if (noFusion) {
            return null;
        }
        Path dir = fusionModel;
        if (dir == null) {
            Path bundled = ModelOption.bundled(FusionModelOption.BUNDLED);
            if (!Files.isDirectory(bundled)) {
                return null;
            }
            dir = bundled;
        }
        MultimodalModel m = MultimodalModel.load(dir);
        if (!m.hasFusion()) {
            m.close();
            throw new UserInputException("--fusion-model " + dir + " has no fusion heads; give a model trained with them "
                    + "(see docs/fusion.md) or leave the option out");
        }
        return m;
    }

    private void closeStudent() {
        if (studentModel != null) {
            studentModel.close();
        }
    }

    private void closeFusion() {
        if (fusion != null) {
            fusion.close();
        }
    }

    private void closeIndex() {
        if (searchIndex != null) {
            searchIndex.close();
        }
    }

    private BatchingConfig batching() {
        return new BatchingConfig(batchSize, batchSize == 1 ? 0 : batchWaitMs, queueCapacity, maxQueueMs);
    }

    private String apiKey() {
        if (apiKeyFile != null) {
            try {
                String key = Files.readAllLines(apiKeyFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
                if (key.isEmpty()) {
                    throw new UserInputException("--api-key-file " + apiKeyFile + " is empty: put the key on its first line");
                }
                return key;
            } catch (IOException e) {
                throw new UserInputException("cannot read --api-key-file " + apiKeyFile + ": " + e.getMessage());
            }
        }
        String env = System.getenv("AUTOGLM_API_KEY");
        return env == null || env.isBlank() ? null : env.strip();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Jetty and Javalin announce every start and stop at INFO; the first line we print says what matters. */
    private static void quietServerLogs() {
        for (String name : List.of("org.eclipse.jetty", "io.javalin")) {
            String key = "org.slf4j.simpleLogger.log." + name;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }
}
