package io.openautoglm.solr.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.cli.AutoglmCli;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI against a real local SolrCloud started the way a user starts one ({@code autoglm cluster
 * start --port 0}, two nodes, in child JVMs): {@code index build} into a new two-shard collection
 * (bad pictures listed, a second run skips everything), {@code index info}, {@code search} with the
 * same answers as the Lucene index of the same pictures, {@code serve --index solr://...} answering
 * searches and thumbnails from the collection (and stopping on SIGTERM), another model refused, a build killed with
 * SIGKILL and completed by the same command; then {@code cluster stop}, and SIGTERM to a second
 * cluster's CLI.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SolrCommandsTest {
    static final String MODEL = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize().toString();
    static final String OTHER_MODEL = Path.of("../models/autoglm-shapes-tiny-fusion").toAbsolutePath().normalize().toString();
    static final ObjectMapper JSON = new ObjectMapper();
    static final int PER_COLOUR = 12;

    @TempDir
    static Path shared;

    static Path pictures;
    static Path clusterDir;
    static ClusterProcess cluster;

    @BeforeAll
    static void startClusterAndDrawPictures() throws Exception {
        pictures = shared.resolve("pictures");
        drawPictures(pictures, PER_COLOUR);
        Files.writeString(pictures.resolve("red").resolve("broken.png"), "not a picture");
        clusterDir = shared.resolve("cluster");
        cluster = ClusterProcess.start(clusterDir, 2);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    record Run(int code, String out, String err) {
        JsonNode json() throws Exception {
            assertThat(code).as(err).isZero();
            return JSON.readTree(out);
        }
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = AutoglmCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static List<String> ids(JsonNode results) {
        List<String> out = new ArrayList<>();
        results.get("results").forEach(r -> out.add(r.get("id").asText()));
        return out;
    }

    @Test
    @Order(1)
    void theFirstLineIsTheLocationAndTheStateFileSaysWhereItRuns() throws Exception {
        assertThat(cluster.solr).matches("solr://127\\.0\\.0\\.1:\\d+");
        assertThat(cluster.zookeeper).matches("solr\\+zk://127\\.0\\.0\\.1:\\d+/solr");
        JsonNode state = JSON.readTree(clusterDir.resolve("cluster.json").toFile());
        assertThat(state.get("solr").asText()).isEqualTo(cluster.solr);
        assertThat(state.get("ports")).hasSize(2);
        assertThat(ProcessHandle.of(state.get("pid").asLong())).isPresent();
    }

    @Test
    @Order(2)
    void buildsInfoAndSearchesACollectionAsTheLuceneIndex() throws Exception {
        String location = cluster.solr + "/pictures";
        List<String> build = List.of("index", "build", "--index", location, "--images", pictures.toString(), "--model", MODEL,
                "--shards", "2", "--commit-every", "5", "--batch-size", "4", "--format", "json");
        JsonNode first = cli(build.toArray(String[]::new)).json();
        assertThat(first.get("added").asInt()).isEqualTo(2 * PER_COLOUR);
        assertThat(first.get("count").asInt()).isEqualTo(2 * PER_COLOUR);
        assertThat(first.get("failed")).hasSize(1);
        assertThat(first.get("failed").get(0).get("id").asText()).isEqualTo("red/broken.png");

        JsonNode again = cli(build.toArray(String[]::new)).json();
        assertThat(again.get("unchanged").asInt()).isEqualTo(2 * PER_COLOUR);
        assertThat(again.get("added").asInt() + again.get("updated").asInt()).isZero();

        JsonNode info = cli("index", "info", "--index", location, "--format", "json").json();
        assertThat(info.get("count").asInt()).isEqualTo(2 * PER_COLOUR);
        assertThat(info.get("model").get("name").asText()).isEqualTo("autoglm-shapes-tiny");
        assertThat(info.get("model").get("weights_sha256").asText()).hasSize(64);
        assertThat(info.get("solr").get("shards").asInt()).isEqualTo(2);
        assertThat(info.get("solr").get("replicas").asInt()).isEqualTo(2);
        assertThat(info.get("solr").get("live_nodes").asInt()).isEqualTo(2);
        Run text = cli("index", "info", "--index", location);
        assertThat(text.code()).as(text.err()).isZero();
        assertThat(text.out()).contains("2 shards, 2 replicas (2 active), 2 live nodes");

        Path lucene = shared.resolve("lucene");
        cli("index", "build", "--index", lucene.toString(), "--images", pictures.toString(), "--model", MODEL, "--format", "json")
                .json();
        for (List<String> query : List.of(List.of("--text", "a red circle"), List.of("--text", "a blue square", "--filter", "folder=blue"),
                List.of("--image", pictures.resolve("blue/3.png").toString()))) {
            List<String> args = new ArrayList<>(List.of("search", "-k", "5", "--format", "json"));
            args.addAll(query);
            List<String> want = ids(cli(Stream.concat(args.stream(), Stream.of("--index", lucene.toString())).toArray(String[]::new)).json());
            for (String where : List.of(location, cluster.zookeeper + "/pictures")) {
                List<String> got = ids(cli(Stream.concat(args.stream(), Stream.of("--index", where)).toArray(String[]::new)).json());
                assertThat(got).as("%s on %s", query, where).hasSize(5).isEqualTo(want);
            }
        }
    }

    @Test
    @Order(3)
    void serveAnswersSearchesAndThumbnailsFromTheCollectionAndStopsOnSigterm() throws Exception {
        String location = cluster.solr + "/pictures";
        // This module's test class path leaves out Javalin's Jetty 11 (Solr's test cluster brings Jetty 10), so
        // the server runs on the CLI's own class path, as ./autoglm runs it; `package` of autoglm-cli makes it.
        Path cliLib = Path.of("../autoglm-cli/target/lib").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(cliLib), "needs autoglm-cli/target/lib (run `./mvnw verify`, not `test`)");
        String cliClassPath = cliLib.resolveSibling("classes") + java.io.File.pathSeparator + cliLib.resolve("*");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dai.djl.offline=true", "-cp", cliClassPath, AutoglmCli.class.getName(),
                "serve", "--model", MODEL, "--port", "0", "--index", location));
        Path serverErr = shared.resolve("serve.err");
        Process server = new ProcessBuilder(command).redirectError(serverErr.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).as("the server's first line; its stderr: %s", Files.readString(serverErr)).isNotNull().startsWith("listening on http://");
            String url = first.substring("listening on ".length());
            HttpClient http = HttpClient.newHttpClient();

            HttpResponse<String> found = http.send(HttpRequest.newBuilder(URI.create(url + "/api/search"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"text\": \"a red circle\", \"k\": 5}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(found.statusCode()).as(found.body()).isEqualTo(200);
            List<String> served = ids(JSON.readTree(found.body()));
            List<String> cli = ids(cli("search", "--index", location, "--text", "a red circle", "-k", "5", "--format", "json").json());
            assertThat(served).as("the server ranks the collection as the search command does").hasSize(5).isEqualTo(cli);

            String thumbnail = JSON.readTree(found.body()).get("results").get(0).get("thumbnail_url").asText();
            HttpResponse<byte[]> thumb = http.send(HttpRequest.newBuilder(URI.create(url + thumbnail)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(thumb.statusCode()).isEqualTo(200);
            assertThat(thumb.headers().firstValue("Content-Type")).hasValue("image/png");
            assertThat(ImageIO.read(new java.io.ByteArrayInputStream(thumb.body()))).isNotNull();

            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(url + "/api/search"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"text\": ")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).as(bad.body()).isBetween(400, 499);
        } finally {
            server.destroy(); // SIGTERM: the shutdown hook drains the server and closes the Solr client
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("serve stops on SIGTERM").isTrue();
        }
        assertThat(server.exitValue()).isEqualTo(143);
    }

    @Test
    @Order(4)
    void anotherModelIsRefusedWithOneLine() {
        String location = cluster.solr + "/pictures";
        for (String[] args : List.of(
                new String[] {"index", "build", "--index", location, "--images", pictures.toString(), "--model", OTHER_MODEL},
                new String[] {"search", "--index", location, "--text", "a red circle", "--model", OTHER_MODEL})) {
            Run r = cli(args);
            assertThat(r.code()).as(r.err()).isEqualTo(AutoglmCli.EXIT_USER_ERROR);
            assertThat(r.err().lines().filter(l -> !l.isBlank())).hasSize(1);
            assertThat(r.err()).startsWith("autoglm: error: SolrCloud collection " + location + " was built with model autoglm-shapes-tiny")
                    .contains("different model").contains("leave out --model");
        }
    }

    @Test
    @Order(5)
    void aBuildKilledWithSigkillIsCompletedByTheSameCommand() throws Exception {
        Path many = shared.resolve("many");
        for (int copy = 0; copy < 4; copy++) {
            drawPictures(many.resolve("copy" + copy), PER_COLOUR + copy); // different sizes: different pictures per copy
        }
        long total;
        try (Stream<Path> files = Files.walk(many)) {
            total = files.filter(p -> p.toString().endsWith(".png")).count();
        }
        String location = cluster.solr + "/crash";
        List<String> build = List.of("index", "build", "--index", location, "--images", many.toString(), "--model", MODEL,
                "--shards", "2", "--batch-size", "8", "--commit-every", "8");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), AutoglmCli.class.getName()));
        command.addAll(build);
        command.add("--verbose");
        Process child = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int committed = -1;
        try (BufferedReader err = new BufferedReader(new InputStreamReader(child.getErrorStream(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (String line; System.nanoTime() < deadline && (line = err.readLine()) != null; ) {
                if (line.startsWith("committed ")) {
                    committed = Integer.parseInt(line.substring("committed ".length(), line.indexOf('/')));
                    child.destroyForcibly(); // SIGKILL
                    break;
                }
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        assertThat(committed).as("the child committed before it was killed").isPositive();
        assertThat(child.exitValue()).isEqualTo(137);
        int survived = cli("index", "info", "--index", location, "--format", "json").json().get("count").asInt();
        assertThat(survived).isGreaterThanOrEqualTo(committed).isLessThan((int) total);

        JsonNode again = cli(Stream.concat(build.stream(), Stream.of("--format", "json")).toArray(String[]::new)).json();
        assertThat(again.get("unchanged").asInt()).as("what was committed is not embedded again").isGreaterThanOrEqualTo(survived);
        assertThat(again.get("unchanged").asInt() + again.get("added").asInt()).isEqualTo((int) total);
        assertThat(again.get("count").asInt()).isEqualTo((int) total);
    }

    @Test
    @Order(6) // last: stops the cluster
    void clusterStopStopsItAndTheStartCommandExits() throws Exception {
        JsonNode state = JSON.readTree(clusterDir.resolve("cluster.json").toFile());
        Run stop = cli("cluster", "stop", "--dir", clusterDir.toString());
        assertThat(stop.code()).as(stop.err()).isZero();
        assertThat(stop.out()).startsWith("stopped the local SolrCloud " + cluster.solr);
        assertThat(cluster.process.waitFor(60, TimeUnit.SECONDS)).as("cluster start exits with its cluster").isTrue();
        assertThat(cluster.process.exitValue()).isZero();
        assertThat(clusterDir.resolve("cluster.json")).doesNotExist();
        assertThat(clusterDir.resolve("data")).doesNotExist();
        assertThat(ProcessHandle.of(state.get("pid").asLong()).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(listening(state.get("ports").get(0).asInt())).isFalse();
    }

    @Test
    @Order(7)
    void sigtermToClusterStartStopsTheClusterCleanly() throws Exception {
        Path dir = shared.resolve("cluster-2");
        try (ClusterProcess second = ClusterProcess.start(dir, 1)) {
            JsonNode state = JSON.readTree(dir.resolve("cluster.json").toFile());
            long runner = state.get("pid").asLong();
            assertThat(listening(state.get("ports").get(0).asInt())).isTrue();
            second.process.destroy(); // SIGTERM to the CLI, which passes it on
            assertThat(second.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.process.exitValue()).isEqualTo(143);
            assertThat(ProcessHandle.of(runner).map(ProcessHandle::isAlive).orElse(false)).as("the runner JVM is gone").isFalse();
            assertThat(dir.resolve("cluster.json")).as("removed by a clean stop").doesNotExist();
            assertThat(listening(state.get("ports").get(0).asInt())).isFalse();
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Coloured circles and squares on a light background, in folders red/ and blue/. */
    static void drawPictures(Path dir, int perColour) throws Exception {
        Random random = new Random(3 + perColour);
        for (String colour : List.of("red", "blue")) {
            Files.createDirectories(dir.resolve(colour));
            for (int i = 0; i < perColour; i++) {
                BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = image.createGraphics();
                g.setColor(new Color(200 + random.nextInt(56), 200 + random.nextInt(56), 200 + random.nextInt(56)));
                g.fillRect(0, 0, 64, 64);
                g.setColor(colour.equals("red") ? Color.RED : Color.BLUE);
                int size = 16 + random.nextInt(32);
                int x = random.nextInt(64 - size);
                int y = random.nextInt(64 - size);
                if (i % 2 == 0) {
                    g.fillOval(x, y, size, size);
                } else {
                    g.fillRect(x, y, size, size);
                }
                g.dispose();
                ImageIO.write(image, "png", dir.resolve(colour).resolve(i + ".png").toFile());
            }
        }
    }
}
