package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.train.data.shapeworld.ShapeWorldConfig;
import io.openautoglm.train.data.shapeworld.ShapeWorldGenerator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Student/teacher routing end to end with real models: the bundled model as teacher, a copy with
 * half its heads and MLP channels pruned away as student, ShapeWorld pictures as the validation set.
 */
class RouteCommandTest {
    static final Path TEACHER = TrainAndDemoCommandTest.BUNDLED;
    static final String LABELS = "circle,square,triangle,diamond,star,cross";

    @TempDir
    static Path shared;

    static Path student;
    static Path manifest;
    static List<String> pictures;
    static Path route;
    static JsonNode routeJson;

    @BeforeAll
    static void setUp() throws Exception {
        new ShapeWorldGenerator(ShapeWorldConfig.defaults(60, 23)).generate(shared.resolve("sw"), false, line -> {});
        manifest = shared.resolve("sw/train.jsonl");
        pictures = Manifest.read(manifest).records().stream().map(ManifestRecord::image).map(Path::toString).toList();
        student = shared.resolve("student");
        CliRunner p = CliRunner.run("prune", "--model", TEACHER.toString(), "--out", student.toString(), "--heads", "0.5", "--mlp", "0.5");
        assertThat(p.exitCode()).as(p.err()).isZero();
        route = shared.resolve("route.json");
        CliRunner c = CliRunner.run("route", "calibrate", "--student", student.toString(), "--teacher", TEACHER.toString(),
                "--manifest", manifest.toString(), "--labels", LABELS, "--target-agreement", "0.95", "--out", route.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        assertThat(c.out()).contains("wrote " + route);
        routeJson = Json.MAPPER.readTree(route.toFile());
    }

    @Test
    void calibrationRecordsBothModelsAndReachesTheTargetOnItsOwnSet() throws Exception {
        assertThat(routeJson.get("format").asText()).isEqualTo("autoglm-route/1");
        assertThat(routeJson.get("student").get("weights_sha256").asText()).isEqualTo(Sha256.of(student.resolve("model.safetensors")));
        assertThat(routeJson.get("teacher").get("weights_sha256").asText()).isEqualTo(Sha256.of(TEACHER.resolve("model.safetensors")));
        assertThat(routeJson.get("agreement").asDouble()).isGreaterThanOrEqualTo(0.95);
        assertThat(routeJson.get("count").asInt()).isEqualTo(pictures.size());
        // The pruned student is not the teacher: alone it disagrees somewhere, so routing had work to do.
        assertThat(routeJson.get("student_alone_agreement").asDouble()).isLessThan(1.0);
        assertThat(Files.list(shared).filter(f -> f.getFileName().toString().endsWith(".tmp")).count()).as("no temporary left").isZero();

        // Re-measure independently: classify with the route file and compare with the teacher alone.
        List<String> teacherTop1 = top1(classify("--model", TEACHER.toString()));
        JsonNode routed = classify("--student", student.toString(), "--teacher", TEACHER.toString(), "--route", route.toString());
        List<String> routedTop1 = top1(routed);
        int agree = 0;
        int byStudent = 0;
        double threshold = routeJson.get("threshold").asDouble();
        for (int i = 0; i < pictures.size(); i++) {
            agree += teacherTop1.get(i).equals(routedTop1.get(i)) ? 1 : 0;
            JsonNode row = routed.get("results").get(i);
            boolean studentAnswered = row.get("route").asText().equals("student");
            byStudent += studentAnswered ? 1 : 0;
            assertThat(studentAnswered).as("route follows margin >= threshold").isEqualTo((float) row.get("margin").asDouble() >= threshold); // margins are floats
        }
        assertThat((double) agree / pictures.size()).isGreaterThanOrEqualTo(0.95);
        assertThat((double) byStudent / pictures.size()).isCloseTo(routeJson.get("student_share").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void thresholdZeroIsAllStudentAndAboveOneAllTeacher() throws Exception {
        JsonNode studentAlone = classify("--model", student.toString());
        JsonNode teacherAlone = classify("--model", TEACHER.toString());
        JsonNode zero = classify("--student", student.toString(), "--model", TEACHER.toString(), "--threshold", "0");
        JsonNode above = classify("--student", student.toString(), "--model", TEACHER.toString(), "--threshold", "1.01");
        for (int i = 0; i < pictures.size(); i++) {
            assertThat(zero.get("results").get(i).get("route").asText()).isEqualTo("student");
            assertThat(above.get("results").get(i).get("route").asText()).isEqualTo("teacher");
        }
        assertThat(top1(zero)).isEqualTo(top1(studentAlone));
        assertThat(top1(above)).isEqualTo(top1(teacherAlone));
        assertThat(top1(studentAlone)).as("the two models differ somewhere").isNotEqualTo(top1(teacherAlone));
    }

    @Test
    void theSameModelOnBothSidesKeepsEverythingOnTheStudent() throws Exception {
        Path same = shared.resolve("same.json");
        CliRunner c = CliRunner.run("route", "calibrate", "--student", TEACHER.toString(), "--teacher", TEACHER.toString(), "--manifest", manifest.toString(),
                "--label-key", "shape", "--out", same.toString());
        assertThat(c.exitCode()).as(c.err()).isZero();
        JsonNode j = Json.MAPPER.readTree(same.toFile());
        assertThat(j.get("threshold").asDouble()).isZero();
        assertThat(j.get("student_share").asDouble()).isEqualTo(1.0);
        assertThat(j.get("agreement").asDouble()).isEqualTo(1.0);
    }

    @Test
    void badRoutingInputsAreOneLine() throws Exception {
        String pic = pictures.get(0);
        CliRunner.assertOneLineError(CliRunner.run("classify", "--labels", LABELS, "--student", student.toString(), "--model", TEACHER.toString(),
                "--route", shared.resolve("missing.json").toString(), pic), "missing.json does not exist", "autoglm route calibrate");
        // Calibrated for the pruned student, used with the bundled model as student: refused.
        CliRunner.assertOneLineError(CliRunner.run("classify", "--labels", LABELS, "--student", TEACHER.toString(), "--model",
                TEACHER.toString(), "--route", route.toString(), pic), "was calibrated for the student", "calibrate again");
        Path foreign = shared.resolve("foreign.json");
        Files.writeString(foreign, "{\"threshold\": 0.5}");
        CliRunner.assertOneLineError(CliRunner.run("classify", "--labels", LABELS, "--student", student.toString(), "--model", TEACHER.toString(),
                "--route", foreign.toString(), pic), "is not a route file");
        CliRunner.assertOneLineError(CliRunner.run("classify", "--labels", LABELS, "--student", student.toString(), "--model", TEACHER.toString(), pic),
                "exactly one of --route");
        CliRunner.assertOneLineError(CliRunner.run("classify", "--labels", LABELS, "--threshold", "0.2", pic), "needs --student");
        CliRunner.assertOneLineError(CliRunner.run("classify", "--labels", LABELS, "--student", student.toString(),
                "--model", TEACHER.toString(), "--threshold", "-1", pic), "--threshold must be");
        CliRunner.assertOneLineError(CliRunner.run("route", "calibrate", "--student", student.toString(), "--teacher", TEACHER.toString(),
                "--manifest", manifest.toString(), "--label-key", "nosuchkey", "--out", shared.resolve("x.json").toString()), "no value of \"nosuchkey\"");
        CliRunner.assertOneLineError(CliRunner.run("serve", "--model", TEACHER.toString(), "--student", student.toString(), "--route",
                shared.resolve("missing.json").toString(), "--port", "0", "--no-gallery", "--no-fusion"), "does not exist");
    }

    @Test
    void serveRoutesClassifyAndCountsRoutesInMetrics() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> AutoglmCli.run(new PrintWriter(out, true),
                new PrintWriter(err, true), "serve", "--model", TEACHER.toString(), "--student", student.toString(), "--route",
                route.toString(), "--port", "0", "--no-gallery", "--no-fusion"));
        long start = System.nanoTime();
        while (!out.toString().contains("classify routed") && !exit.isDone() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(60)) {
            Thread.sleep(20);
        }
        assertThat(out.toString()).as(err.toString()).contains("classify routed");
        String url = out.toString().lines().findFirst().orElseThrow().substring("listening on ".length());
        HttpClient http = HttpClient.newHttpClient();
        double threshold = routeJson.get("threshold").asDouble();
        int[] counts = new int[2];
        List<String> labels = List.of(LABELS.split(","));
        for (String pic : pictures.subList(0, 12)) {
            ObjectNode body = Json.object();
            body.put("image", "data:image/png;base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(pic))));
            labels.forEach(body.putArray("labels")::add);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/api/classify"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode a = Json.MAPPER.readTree(r.body());
            boolean byStudent = (float) a.get("margin").asDouble() >= threshold; // margins are floats
            assertThat(a.get("route").asText()).isEqualTo(byStudent ? "student" : "teacher");
            assertThat(a.get("model").asText()).isEqualTo(byStudent ? "student" : TEACHER.getFileName().toString());
            counts[byStudent ? 0 : 1]++;
        }
        String metrics = http.send(HttpRequest.newBuilder(URI.create(url + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("autoglm_route_total{route=\"student\"} " + counts[0] + ".0")
                .contains("autoglm_route_total{route=\"teacher\"} " + counts[1] + ".0");
        ServeCommand.RUNNING.get(0).shutdown();
        assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    }

    private static JsonNode classify(String... modelArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("classify", "--format", "json", "--labels", LABELS, "-k", "1"));
        args.addAll(List.of(modelArgs));
        args.addAll(pictures);
        CliRunner r = CliRunner.run(args.toArray(String[]::new));
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.MAPPER.readTree(r.out());
    }

    private static List<String> top1(JsonNode results) {
        List<String> out = new ArrayList<>();
        results.get("results").forEach(row -> out.add(row.get("labels").get(0).get("label").asText()));
        return out;
    }
}
