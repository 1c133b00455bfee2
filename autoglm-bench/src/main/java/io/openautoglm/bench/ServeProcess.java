package io.openautoglm.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code autoglm serve --port 0 ...} as a child JVM (same Java, same class path as this one), so a
 * load client measures a server that has its process (heap, libtorch, threads) to itself. Started
 * when its first line, {@code listening on http://HOST:PORT}, has been printed; stopped with
 * SIGTERM (the server's graceful stop), forcibly if that takes over 30 s.
 */
final class ServeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
    private static final HttpClient PROBE = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final String name;
    private final Process process;
    private final String url;

    private ServeProcess(String name, Process process, String url) {
        this.name = name;
        this.process = process;
        this.url = url;
    }

    /**
     * Starts {@code autoglm serve --port 0 ARGS}, waits for its {@code listening on} line (a first
     * start may build the demo gallery first: up to {@code startSeconds}), and echoes its other
     * stdout lines to {@code echo} prefixed with the name.
     */
    static ServeProcess start(String name, List<String> serveArgs, int startSeconds, PrintStream echo)
            throws IOException, InterruptedException {
        return start(name, List.of(), serveArgs, startSeconds, echo);
    }

    /** The same with JVM options of its own (after AUTOGLM_JAVA_OPTS, so they win). */
    static ServeProcess start(String name, List<String> jvmOptions, List<String> serveArgs, int startSeconds, PrintStream echo)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String opts = System.getenv("AUTOGLM_JAVA_OPTS"); // as the `autoglm` launcher passes them
        if (opts != null && !opts.isBlank()) {
            command.addAll(List.of(opts.trim().split("\\s+")));
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-Dai.djl.offline=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), "io.openautoglm.cli.AutoglmCli", "serve", "--port", "0"));
        command.addAll(serveArgs);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    Matcher m = LISTENING.matcher(line);
                    if (!listening.isDone() && m.find()) {
                        listening.complete(m.group(1));
                    } else {
                        echo.println("  [" + name + "] " + line);
                    }
                }
            } catch (IOException e) {
                // the process went away; waitFor reports how
            }
            listening.completeExceptionally(new IOException("the server exited before it listened"));
        }, "serve-stdout-" + name);
        reader.setDaemon(true);
        reader.start();
        try {
            String url = listening.get(startSeconds, TimeUnit.SECONDS);
            return new ServeProcess(name, p, url);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
            throw new IOException("autoglm serve (" + name + ") did not start within " + startSeconds + " s"
                    + (p.isAlive() ? "" : ", exit code " + p.exitValue()) + "; command: " + String.join(" ", command), e);
        }
    }

    String url() {
        return url;
    }

    long pid() {
        return process.pid();
    }

    /** The server process's resident memory (VmRSS of /proc/PID/status) in MiB; NaN where unreadable. */
    double residentMiB() {
        OptionalLong kb = Harness.statusKb(Path.of("/proc", Long.toString(process.pid()), "status"), "VmRSS:");
        return kb.isPresent() ? kb.getAsLong() / 1024.0 : Double.NaN;
    }

    /** GET {@code path} as text (a 2xx answer), for /api/info and /metrics; a cold server on a busy machine may take a while. */
    String get(String path) throws IOException, InterruptedException {
        return get(path, Duration.ofSeconds(60));
    }

    String get(String path, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> r = PROBE.send(HttpRequest.newBuilder(URI.create(url + path)).timeout(timeout).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    /**
     * The sum of a Prometheus sample's values over the series whose labels contain {@code labels}
     * (e.g. {@code function="text_embedding"}; null: all series, or the one without labels).
     */
    static double sample(String scrape, String metric, String labels) {
        double sum = 0;
        boolean found = false;
        for (String line : scrape.split("\n")) {
            if (!line.startsWith(metric)) {
                continue;
            }
            String rest = line.substring(metric.length());
            if (!(rest.startsWith("{") || rest.startsWith(" "))) {
                continue; // a longer name with this prefix
            }
            if (labels != null && !(rest.startsWith("{") && rest.substring(0, rest.indexOf('}') + 1).contains(labels))) {
                continue;
            }
            String value = rest.startsWith("{") ? rest.substring(rest.lastIndexOf('}') + 1) : rest;
            sum += Double.parseDouble(value.trim().split("\\s+")[0]);
            found = true;
        }
        return found ? sum : Double.NaN;
    }

    /** SIGTERM (graceful: in-flight requests finish), then forcibly after 30 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
