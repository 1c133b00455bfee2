package io.openautoglm.train.data.shapeworld;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.io.AtomicFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes a ShapeWorld dataset: {@code images/000000.png ...}, {@code train.jsonl},
 * {@code val.jsonl}, {@code test.jsonl} and {@code shapeworld.json} (config, counts, version).
 * Images are made in parallel, each from (seed, index) alone; the manifests and
 * {@code shapeworld.json} are written atomically at the end, so a folder with them is complete.
 */
public final class ShapeWorldGenerator {
    public static final String PROVENANCE_FILE = "shapeworld.json";
    /**
     * The manifest key of each picture's "where is the A relative to the B?" questions: an auxiliary
     * training key ({@code data.question_keys}), apart from the {@code "qa"} that evaluation reads.
     */
    public static final String SPATIAL_QA_KEY = "spatial_qa";
    private static final int SPATIAL_QUESTIONS = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ShapeWorldConfig config;
    private final SceneSampler sampler;
    private final SceneRenderer renderer;
    private final CaptionWriter captions = new CaptionWriter();
    private final QuestionWriter questions = new QuestionWriter();

    /** What {@link #generate} wrote. */
    public record Summary(Path dir, int images, Map<String, Integer> splitCounts, long millis) {}

    /** One image and its manifest record. */
    public record Item(BufferedImage image, ObjectNode record, Scene scene, Annotations annotations) {}

    public ShapeWorldGenerator(ShapeWorldConfig config) {
        this.config = config;
        this.sampler = new SceneSampler(config);
        this.renderer = new SceneRenderer(config.noise());
    }

    public ShapeWorldConfig config() {
        return config;
    }

    /** Image {@code index}: the same for every count, so a small dataset is a prefix of a large one. */
    public Item item(int index) {
        RandomGenerator random = ShapeWorld.imageRandom(config.seed(), index);
        Scene scene = sampler.sample(random);
        Annotations ann = captions.write(scene, random, ShapeWorld.extraAnnotationRandom(config.seed(), index));
        BufferedImage image = renderer.render(scene, random);
        String split = ShapeWorldConfig.SPLIT_NAMES.get(ShapeWorld.splitOf(config.seed(), index, config.splits()));
        ObjectNode r = JSON.createObjectNode();
        r.put("image", "images/" + imageName(index));
        r.put("caption", ann.captions().get(0).text());
        ArrayNode caps = r.putArray("captions");
        ann.captions().forEach(c -> caps.add(c.text()));
        r.put("split", split);
        r.put("index", index);
        r.put("num_objects", scene.objects().size());
        if (scene.objects().size() == 1) {
            // The zero-shot label keys.
            SceneObject o = scene.objects().get(0);
            r.put("color", o.color().word());
            r.put("shape", o.shape().word());
            r.put("size", o.size().word());
        }
        r.set("scene", scene.toJson(JSON));
        ArrayNode tags = r.putArray("tags"); // what the picture shows, for an image-tag objective (loss.tags)
        scene.objects().stream().map(o -> o.shape()).distinct().sorted().forEach(shape -> tags.add(shape.word()));
        scene.objects().stream().map(o -> o.color()).distinct().sorted().forEach(color -> tags.add(color.word()));
        putQuestions(r, "qa", ann.qa());
        putQuestions(r, SPATIAL_QA_KEY, questions.writeSpatial(scene, ShapeWorld.spatialQuestionRandom(config.seed(), index), SPATIAL_QUESTIONS));
        ArrayNode neg = r.putArray("hard_negatives");
        ann.hardNegatives().forEach(h -> neg.addObject().put("caption", h.caption()).put("type", h.type()).put("positive", h.positive()));
        return new Item(image, r, scene, ann);
    }

    /** A list of {@code {"question", "answer", "type"}} under {@code key}, as {@link io.openautoglm.core.data.QuestionAnswer} reads it. */
    private static void putQuestions(ObjectNode record, String key, List<Annotations.QaPair> pairs) {
        ArrayNode list = record.putArray(key);
        pairs.forEach(q -> list.addObject().put("question", q.question()).put("answer", q.answer()).put("type", q.type()));
    }

    public static String imageName(int index) {
        return String.format("%06d.png", index);
    }

    /**
     * Writes the dataset into {@code dir}, which must be empty or absent unless {@code overwrite}.
     * {@code progress} gets a line about every two seconds once generation has run for a second.
     */
    public Summary generate(Path dir, boolean overwrite, Consumer<String> progress) throws IOException {
        long start = System.nanoTime();
        prepare(dir, overwrite);
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        ObjectNode[] records = new ObjectNode[config.count()];
        AtomicInteger done = new AtomicInteger();
        ForkJoinPool pool = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors()));
        try {
            Future<?> job = pool.submit(() -> IntStream.range(0, config.count()).parallel().forEach(i -> {
                Item item = item(i);
                writePng(images.resolve(imageName(i)), item.image());
                records[i] = item.record();
                done.incrementAndGet();
            }));
            long lastReport = 0;
            while (true) {
                try {
                    job.get(250, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    long now = System.nanoTime();
                    if (now - start > 1_000_000_000L && now - lastReport > 2_000_000_000L) {
                        lastReport = now;
                        progress.accept(progressLine(done.get(), (now - start) / 1e9));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while generating ShapeWorld", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        } finally {
            pool.shutdownNow();
        }
        Map<String, List<JsonNode>> bySplit = new LinkedHashMap<>();
        ShapeWorldConfig.SPLIT_NAMES.forEach(s -> bySplit.put(s, new ArrayList<>()));
        int[] perCount = new int[SceneSampler.MAX_OBJECTS + 1];
        for (ObjectNode r : records) {
            bySplit.get(r.get("split").asText()).add(r);
            perCount[r.get("num_objects").asInt()]++;
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (var e : bySplit.entrySet()) {
            Manifest.write(dir.resolve(e.getKey() + ".jsonl"), e.getValue());
            counts.put(e.getKey(), e.getValue().size());
        }
        AtomicFiles.writeString(dir.resolve(PROVENANCE_FILE), provenance(counts, perCount));
        if (progress != null && System.nanoTime() - start > 1_000_000_000L) {
            progress.accept(progressLine(config.count(), (System.nanoTime() - start) / 1e9));
        }
        return new Summary(dir, config.count(), counts, (System.nanoTime() - start) / 1_000_000);
    }

    private String progressLine(int done, double seconds) {
        double rate = done / Math.max(seconds, 1e-9);
        long eta = rate > 0 ? Math.round((config.count() - done) / rate) : -1;
        return String.format("shapeworld: %d/%d images, %.0f/s, ETA %ds", done, config.count(), rate, eta);
    }

    /** Refuses a non-empty folder unless overwriting; then removes only what a previous run wrote. */
    private static void prepare(Path dir, boolean overwrite) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UserInputException("output " + dir + " is a file; give a folder for --out");
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            return;
        }
        boolean empty;
        try (Stream<Path> s = Files.list(dir)) {
            empty = s.findAny().isEmpty();
        }
        if (empty) {
            return;
        }
        if (!overwrite) {
            throw new UserInputException("output folder " + dir + " is not empty; choose an empty folder or pass --overwrite");
        }
        for (String f : List.of("train.jsonl", "val.jsonl", "test.jsonl", PROVENANCE_FILE)) {
            Files.deleteIfExists(dir.resolve(f));
        }
        Path images = dir.resolve("images");
        if (Files.isDirectory(images)) {
            try (Stream<Path> s = Files.list(images)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    if (p.getFileName().toString().matches("\\d{6,}\\.png")) {
                        Files.delete(p);
                    }
                }
            }
        }
    }

    /** PNG bytes to a temporary sibling, then renamed: an image file is whole or absent. */
    private static void writePng(Path target, BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
            try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
                writer.setOutput(out);
                writer.write(image);
            } finally {
                writer.dispose();
            }
            Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
            Files.write(tmp, bytes.toByteArray());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String provenance(Map<String, Integer> counts, int[] perCount) throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.put("generator", ShapeWorld.VERSION);
        p.put("autoglm_version", MultimodalModel.VERSION);
        p.set("config", config.toJson(JSON));
        ObjectNode c = p.putObject("counts");
        counts.forEach(c::put);
        c.put("total", config.count());
        ObjectNode n = p.putObject("objects_per_scene");
        for (int k = 1; k < perCount.length; k++) {
            n.put(Integer.toString(k), perCount[k]);
        }
        ObjectNode colors = p.putObject("colors");
        for (ShapeColor col : ShapeColor.values()) {
            colors.put(col.word(), String.format("#%06x", col.rgb()));
        }
        ArrayNode shapes = p.putArray("shapes");
        for (Shape s : Shape.values()) {
            shapes.add(s.word());
        }
        ObjectNode sizes = p.putObject("radius_px");
        for (ObjectSize s : ObjectSize.values()) {
            sizes.put(s.word(), s.radius(config.size()));
        }
        ArrayNode vocab = p.putArray("vocabulary");
        ShapeWorld.vocabulary().forEach(vocab::add);
        return JSON.writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(p) + "\n";
    }
}
