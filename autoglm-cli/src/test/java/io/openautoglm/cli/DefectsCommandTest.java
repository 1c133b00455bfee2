package io.openautoglm.cli;

import static io.openautoglm.cli.CliRunner.assertOneLineError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.StopSignal;
import io.openautoglm.server.AutoglmServer;
import io.openautoglm.server.ServedParts;
import io.openautoglm.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defect-inspection commands end to end on one generated set and one fitted detector (shared
 * by the class: fitting is the expensive part), with the bundled model's image tower.
 */
class DefectsCommandTest {
    static final String MODEL = Path.of("../models/autoglm-shapes-tiny").toAbsolutePath().normalize().toString();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;
    static Path data;
    static Path detector;

    @BeforeAll
    static void fit() {
        data = shared.resolve("set");
        CliRunner g = CliRunner.run("data", "defects", "--out", data.toString(), "--count", "12", "--seed", "2", "--size", "64");
        assertThat(g.exitCode()).as(g.err()).isZero();
        detector = shared.resolve("det");
        CliRunner f = CliRunner.run("defects", "fit", "--model", MODEL, "--manifest", data.resolve("manifest.jsonl").toString(),
                "--out", detector.toString(), "--tiles", "1");
        assertThat(f.exitCode()).as(f.err()).isZero();
    }

    @Test
    void detectorFolderCarriesProvenanceAndEvalSeparatesDefects() throws Exception {
        JsonNode det = JSON.readTree(detector.resolve("detector.json").toFile());
        assertThat(det.path("provenance").path("model").path("weights_sha256").asText()).hasSize(64);
        assertThat(det.path("provenance").path("validation").has("false_alarm_rate")).isTrue();
        assertThat(det.path("categories")).hasSize(6);
        CliRunner e = CliRunner.run("defects", "eval", "--detector", detector.toString(), "--manifest",
                data.resolve("test.jsonl").toString(), "--format", "json");
        assertThat(e.exitCode()).as(e.err()).isZero();
        JsonNode r = JSON.readTree(e.out());
        System.out.println("defects eval on the tiny set: " + e.out());
        assertThat(r.get("n").asInt()).isEqualTo(6 * 5); // per category: 2 good, 3 defects
        for (String key : List.of("image_auroc", "average_precision", "accuracy", "pixel_auroc", "per_category", "per_defect_type")) {
            assertThat(r.has(key)).as(key).isTrue();
        }
        // Far above chance: the pixel bank separates this 5-picture-per-category set (image AUROC 0.968, pixel
        // AUROC 0.988 when written; the tower's bank alone 0.53, docs/defects.md has the figures).
        assertThat(r.get("image_auroc").asDouble()).isGreaterThan(0.85);
        assertThat(r.get("pixel_auroc").asDouble()).isGreaterThan(0.9);
        assertThat(r.path("per_method").path("pixel_bank").asDouble()).isGreaterThan(r.path("per_method").path("memory_bank").asDouble());
    }

    @Test
    void robustnessOfTheDetectorUnderCorruptions() throws Exception {
        Path test = data.resolve("test.jsonl");
        CliRunner clean = CliRunner.run("defects", "eval", "--detector", detector.toString(), "--manifest", test.toString(), "--format", "json");
        assertThat(clean.exitCode()).as(clean.err()).isZero();
        CliRunner r = CliRunner.run("eval", "robustness", "--task", "defects", "--detector", detector.toString(), "--manifest", test.toString(),
                "--corruptions", "gaussian_noise,occlusion", "--severities", "5", "--format", "json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode j = JSON.readTree(r.out());
        System.out.println("eval robustness --task defects: " + r.out());
        // the clean pass is the detector's own eval figure, and a corrupted pass is measured with the same metric
        assertThat(j.path("clean").path("image_auroc").asDouble()).isEqualTo(JSON.readTree(clean.out()).get("image_auroc").asDouble());
        JsonNode noise = j.path("corruptions").path("gaussian_noise");
        assertThat(noise.path("severities").get(0).path("image_auroc").isNumber()).isTrue();
        assertThat(noise.path("relative").isNumber()).isTrue();
        assertThat(j.path("robustness_score").isNumber()).isTrue();
        // heavy noise changes the anomaly scores: the corrupted figure is not the clean one replayed
        assertThat(noise.path("severities").get(0).path("image_auroc").asDouble()).isNotEqualTo(j.path("clean").path("image_auroc").asDouble());
    }

    @Test
    void inspectReportsAnUnreadablePictureAndGoesOn(@TempDir Path tmp) throws Exception {
        Path broken = tmp.resolve("broken.png");
        Files.writeString(broken, "not a picture");
        Path good = data.resolve("wood/test/good/0008.png");
        Path results = tmp.resolve("results.jsonl");
        CliRunner r = CliRunner.run("defects", "inspect", "--detector", detector.toString(), "--out", results.toString(),
                "--maps", tmp.resolve("maps").toString(), broken.toString(), good.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        List<String> lines = Files.readAllLines(results);
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(0)).has("error")).isTrue();
        JsonNode part = JSON.readTree(lines.get(1));
        assertThat(part.get("verdict").asText()).isIn("good", "defect");
        assertThat(part.get("category").asText()).isEqualTo("wood");
        assertThat(part.has("score") && part.has("ms") && part.has("defect_type")).isTrue();
        assertThat(tmp.resolve("maps/0008_map.png")).isRegularFile();
    }

    @Test
    void watchInspectsNewPicturesUntilStopped(@TempDir Path tmp) throws Exception {
        Path watched = Files.createDirectories(tmp.resolve("line"));
        Path results = tmp.resolve("results.jsonl");
        CliRunner[] done = new CliRunner[1];
        Thread t = new Thread(() -> done[0] = CliRunner.run("defects", "inspect", "--detector", detector.toString(), "--watch",
                watched.toString(), "--poll-ms", "100", "--out", results.toString()));
        t.start();
        Files.copy(data.resolve("metal/test/good/0008.png"), watched.resolve("a.png"));
        long deadline = System.currentTimeMillis() + 60_000;
        while ((!Files.exists(results) || Files.readAllLines(results).isEmpty()) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        StopSignal.process().request("SIGTERM", 143);
        t.join(60_000);
        assertThat(done[0].exitCode()).as(done[0].err()).isZero();
        assertThat(done[0].err()).contains("stopped watching").contains("SIGTERM").contains("after 1 pictures");
        assertThat(Files.readAllLines(results)).hasSize(1);
    }

    @Test
    void badInputsGetOneClearLine(@TempDir Path tmp) throws Exception {
        assertOneLineError(CliRunner.run("defects", "eval", "--detector", tmp.resolve("nope").toString(), "--manifest",
                data.resolve("test.jsonl").toString()), "does not exist", "autoglm defects fit");
        Path unlabelled = tmp.resolve("unlabelled.jsonl");
        Files.writeString(unlabelled, "{\"image\": \"" + data.resolve("wood/test/good/0008.png") + "\"}\n");
        assertOneLineError(CliRunner.run("defects", "eval", "--detector", detector.toString(), "--manifest", unlabelled.toString()),
                "no \"label\"");
    }

    @Test
    void apiInspectOnARealServer() throws Exception {
        try (MultimodalModel model = MultimodalModel.load(Path.of(MODEL));
             AutoglmServer server = AutoglmServer.create(ServerConfig.defaults().withHostPort("127.0.0.1", 0),
                     ServedParts.of(model).withRoutes(DefectsInspectRoute.routes(detector))).start()) {
            byte[] png = Files.readAllBytes(data.resolve("washer/test/good/0008.png"));
            String boundary = "----autoglm-test";
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"part.png\"\r\n"
                    + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.write(png);
            body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> ok = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/inspect"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
            JsonNode r = JSON.readTree(ok.body());
            assertThat(r.get("image").asText()).isEqualTo("part.png");
            assertThat(r.get("verdict").asText()).isIn("good", "defect");
            assertThat(r.get("category").asText()).isEqualTo("washer");
            HttpResponse<String> json = client.send(HttpRequest.newBuilder(URI.create(server.url() + "/api/inspect"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json.statusCode()).isEqualTo(415);
            assertThat(json.body()).contains("multipart");
        }
    }
}
