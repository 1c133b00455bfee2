package io.openautoglm.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.openautoglm.cli.ServeInProcess;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The manifests against a real server: `autoglm serve` started in this JVM with the Deployment's args and
 * the ConfigMap's options (only the address, the key file and the demo gallery changed for a test). The
 * probes' paths answer, every metric and label the alerts and the HPA name is in its GET /metrics, and
 * the drain it does on SIGTERM, measured with a request stalled in flight, fits in the pod's grace period.
 */
class ServedManifestTest {
    private static final String KEY = "deploy-test-key";
    /**
     * What the pod still needs after the drain: each of the two micro-batchers waits up to 10 s for its
     * queue (MicroBatcher.close), then the model is freed.
     */
    static final int RESERVE_AFTER_DRAIN_SECONDS = 20;
    private static final Pattern METRIC = Pattern.compile("(autoglm_[a-z0-9_]+)(\\{([^}]*)})?");
    private static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");

    @TempDir
    Path tmp;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void probesMetricsAndTheDrainMatchTheRealServer() throws Exception {
        Path keyFile = tmp.resolve("api-key");
        Files.writeString(keyFile, KEY + "\n");
        Map<String, String> replace = new HashMap<>();
        replace.put("--host", "127.0.0.1");
        replace.put("--port", "0");
        replace.put("--gallery-dir", null); // the demo gallery takes seconds to build; readiness is the same without
        List<String> args = ServeArgs.forTest(tmp, keyFile, replace, List.of("--no-gallery"));
        try (ServeInProcess server = ServeInProcess.start(args.toArray(String[]::new))) {
            String url = server.url();
            Map<String, Object> container = Manifests.container();
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                String path = Yamls.string(container, probe, "httpGet", "path");
                assertThat(get(url + path, null).statusCode()).as(probe + " " + path + " without a key, as the kubelet asks")
                        .isEqualTo(200);
            }
            HttpResponse<String> embed = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/embeddings"))
                    .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\": \"autoglm-shapes-tiny\", \"input\": \"a red circle\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(embed.statusCode()).as(embed.body()).isEqualTo(200);
            assertThat(get(url + "/metrics", null).statusCode()).as("/metrics needs the key (the ServiceMonitor sends it)")
                    .isEqualTo(401);
            HttpResponse<String> metrics = get(url + "/metrics", KEY);
            assertThat(metrics.statusCode()).isEqualTo(200);
            checkAlertsAndHpaName(metrics.body());
            checkDrainFitsTheGracePeriod(server, url);
        }
    }

    private void checkAlertsAndHpaName(String scrape) {
        Map<String, Set<String>> labels = new HashMap<>();
        Set<String> routes = new HashSet<>();
        for (String line : scrape.lines().filter(l -> !l.startsWith("#")).toList()) {
            Matcher m = METRIC.matcher(line);
            if (!m.lookingAt()) {
                continue;
            }
            Set<String> names = labels.computeIfAbsent(m.group(1), k -> new HashSet<>());
            if (m.group(3) != null) {
                Matcher l = MATCHER.matcher(m.group(3));
                while (l.find()) {
                    names.add(l.group(1));
                    if (l.group(1).equals("route")) {
                        routes.add(l.group(3));
                    }
                }
            }
        }
        List<Map<String, Object>> rules = Yamls.list(Yamls.<Map<String, Object>>list(
                Manifests.one("PrometheusRule").object(), "spec", "groups").get(0), "rules");
        assertThat(rules.stream().map(r -> r.get("alert")).toList()).as("error rate, 429 rate, p99 latency")
                .containsExactlyInAnyOrder("AutoglmHighErrorRate", "AutoglmHighRejectionRate", "AutoglmHighP99Latency");
        for (Map<String, Object> rule : rules) {
            String expr = rule.get("expr").toString();
            Matcher m = METRIC.matcher(expr);
            int found = 0;
            while (m.find()) {
                found++;
                String name = m.group(1);
                assertThat(labels).as(rule.get("alert") + " names " + name + ", which GET /metrics must serve").containsKey(name);
                Matcher matcher = MATCHER.matcher(m.group(3) == null ? "" : m.group(3));
                while (matcher.find()) {
                    assertThat(labels.get(name)).as(rule.get("alert") + ": label " + matcher.group(1) + " of " + name)
                            .contains(matcher.group(1));
                    if (matcher.group(1).equals("route") && matcher.group(2).equals("=~")) {
                        assertThat(routes).as(rule.get("alert") + ": some served route matches " + matcher.group(3))
                                .anyMatch(r -> r.matches(matcher.group(3)) && r.equals("/v1/embeddings"));
                    }
                }
            }
            assertThat(found).as(rule.get("alert") + " names a metric").isPositive();
        }
        List<Map<String, Object>> hpaMetrics = Yamls.list(Manifests.one("HorizontalPodAutoscaler").object(), "spec", "metrics");
        for (Map<String, Object> metric : hpaMetrics) {
            if ("Pods".equals(metric.get("type"))) {
                String name = Yamls.string(metric, "pods", "metric", "name");
                assertThat(scrape).as("the HPA's Pods metric is a gauge the server serves").contains("# TYPE " + name + " gauge");
            }
        }
    }

    /**
     * SIGTERM's graceful stop with one request stalled mid-body (so it stays in flight): readiness fails at
     * once, and the stop takes the server's whole shutdown grace. preStop sleep + that + the reserve must
     * fit in terminationGracePeriodSeconds, or the kubelet kills the pod mid-drain.
     */
    private void checkDrainFitsTheGracePeriod(ServeInProcess server, String url) throws Exception {
        URI u = URI.create(url);
        try (Socket stalled = new Socket(u.getHost(), u.getPort())) {
            OutputStream out = stalled.getOutputStream();
            out.write(("POST /v1/embeddings HTTP/1.1\r\nHost: " + u.getAuthority() + "\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(300); // let the server take it in
            long start = System.nanoTime();
            CompletableFuture<Integer> stop = CompletableFuture.supplyAsync(() -> {
                try {
                    return server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int readiness = 0;
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (readiness != 503 && System.nanoTime() < until) {
                readiness = get(url + "/readyz", null).statusCode();
            }
            assertThat(readiness).as("/readyz fails as soon as the drain starts").isEqualTo(503);
            assertThat(stop.get(120, TimeUnit.SECONDS)).as("serve's exit code").isZero();
            double drainSeconds = (System.nanoTime() - start) / 1e9;
            assertThat(drainSeconds).as("the stalled request held the drain (else this measured nothing)").isGreaterThan(5);
            Map<String, Object> pod = Yamls.map(Manifests.one("Deployment").object(), "spec", "template", "spec");
            int grace = (Integer) pod.get("terminationGracePeriodSeconds");
            List<String> preStop = Yamls.list(Manifests.container(), "lifecycle", "preStop", "exec", "command");
            assertThat(preStop.get(0)).isEqualTo("sleep");
            int sleep = Integer.parseInt(preStop.get(1));
            assertThat(sleep).as("preStop sleep: time for endpoints to drop the pod").isGreaterThanOrEqualTo(3);
            assertThat(sleep + drainSeconds + RESERVE_AFTER_DRAIN_SECONDS)
                    .as("preStop %d s + measured drain %.1f s + reserve %d s vs terminationGracePeriodSeconds %d",
                            sleep, drainSeconds, RESERVE_AFTER_DRAIN_SECONDS, grace)
                    .isLessThanOrEqualTo(grace);
        }
    }

    private HttpResponse<String> get(String url, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
