package io.openautoglm.graph.recsys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.io.AtomicFiles;
import io.openautoglm.graph.data.NodeEncoder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * A recommendation set on disk: {@code images/}, {@code items.jsonl} ({@code {"id", "image", "caption",
 * "shape", "color", "size", "cold", "features"}}: features are the encoder's image embedding followed by
 * its caption embedding), {@code users.jsonl} (the planted tastes, for analysis only; rankers never read
 * them), {@code interactions.jsonl} ({@code {"user", "item", "time", "click", "like", "split"}}) and
 * {@code recsys.json}, written last, so a folder with it is complete. Every file is written atomically.
 */
public final class RecsysFiles {
    public static final String SUMMARY = "recsys.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecsysFiles() {}

    public static void write(Path dir, RecsysGenerator.Dataset data, NodeEncoder encoder, String encoderName, long seed)
            throws IOException {
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        List<Path> files = new ArrayList<>();
        for (RecsysGenerator.Item it : data.items()) {
            Path file = dir.resolve(it.image());
            AtomicFiles.write(file, out -> ImageIO.write(data.picture().apply(it.index()), "png", out));
            files.add(file);
        }
        float[][] image = encoder.embedImageFiles(files);
        float[][] text = encoder.embedTexts(data.items().stream().map(RecsysGenerator.Item::caption).toList());
        jsonl(dir.resolve("items.jsonl"), data.items(), it -> {
            ObjectNode o = JSON.createObjectNode();
            o.put("id", it.id()).put("image", it.image()).put("caption", it.caption()).put("shape", it.shape())
                    .put("color", it.color()).put("size", it.size()).put("cold", it.cold());
            ArrayNode f = o.putArray("features");
            for (float v : image[it.index()]) {
                f.add(Math.round(v * 1e5) / 1e5);
            }
            for (float v : text[it.index()]) {
                f.add(Math.round(v * 1e5) / 1e5);
            }
            return o;
        });
        jsonl(dir.resolve("users.jsonl"), data.users(), u -> JSON.createObjectNode().put("id", u.id())
                .put("favourite_shape", u.shape()).put("favourite_color", u.color()).put("preferred_size", u.size()));
        jsonl(dir.resolve("interactions.jsonl"), data.interactions(), x -> JSON.createObjectNode()
                .put("user", "user-" + x.user()).put("item", "item-" + x.item()).put("time", x.time())
                .put("click", x.click() ? 1 : 0).put("like", x.like() ? 1 : 0).put("split", x.split()));
        ObjectNode summary = JSON.createObjectNode();
        summary.put("users", data.users().size()).put("items", data.items().size())
                .put("cold_items", data.items().stream().filter(RecsysGenerator.Item::cold).count())
                .put("interactions", data.interactions().size())
                .put("clicks", data.interactions().stream().filter(RecsysGenerator.Interaction::click).count())
                .put("likes", data.interactions().stream().filter(RecsysGenerator.Interaction::like).count())
                .put("seed", seed).put("encoder", encoderName).put("feature_width", image[0].length + text[0].length);
        AtomicFiles.writeString(dir.resolve(SUMMARY), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    }

    private static <T> void jsonl(Path file, List<T> rows, java.util.function.Function<T, ObjectNode> toJson) throws IOException {
        AtomicFiles.write(file, out -> {
            BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            for (T row : rows) {
                w.write(JSON.writeValueAsString(toJson.apply(row)));
                w.write('\n');
            }
            w.flush();
        });
    }

    /** Reads a folder written by {@link #write}; every mistake is one line naming the file. */
    public static RecsysData read(Path dir) {
        if (!Files.isRegularFile(dir.resolve(SUMMARY))) {
            throw new UserInputException(dir + " is not a recommendation set (no " + SUMMARY
                    + "): make one with autoglm data recsys --out " + dir);
        }
        List<String> itemIds = new ArrayList<>();
        List<float[]> features = new ArrayList<>();
        List<Boolean> cold = new ArrayList<>();
        Map<String, Integer> itemIndex = new HashMap<>();
        lines(dir.resolve("items.jsonl"), (o, where) -> {
            String id = text(o, "id", where);
            JsonNode f = o.get("features");
            if (f == null || !f.isArray() || f.isEmpty()) {
                throw new UserInputException(where + ": item '" + id + "' has no \"features\" array");
            }
            float[] v = new float[f.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) f.get(i).asDouble();
            }
            if (!features.isEmpty() && v.length != features.get(0).length) {
                throw new UserInputException(where + ": item '" + id + "' has " + v.length + " features, the first item "
                        + features.get(0).length);
            }
            if (itemIndex.putIfAbsent(id, itemIds.size()) != null) {
                throw new UserInputException(where + ": duplicate item id '" + id + "'");
            }
            itemIds.add(id);
            features.add(v);
            cold.add(o.path("cold").asBoolean(false));
        });
        List<String> userIds = new ArrayList<>();
        Map<String, Integer> userIndex = new HashMap<>();
        List<RecsysData.Event> events = new ArrayList<>();
        lines(dir.resolve("interactions.jsonl"), (o, where) -> {
            String user = text(o, "user", where);
            String item = text(o, "item", where);
            Integer i = itemIndex.get(item);
            if (i == null) {
                throw new UserInputException(where + ": unknown item '" + item + "' (not in items.jsonl)");
            }
            String split = text(o, "split", where);
            if (!split.equals("train") && !split.equals("val") && !split.equals("test")) {
                throw new UserInputException(where + ": unknown split '" + split + "': use train, val or test");
            }
            int u = userIndex.computeIfAbsent(user, k -> {
                userIds.add(k);
                return userIds.size() - 1;
            });
            boolean click = o.path("click").asInt(0) == 1;
            boolean like = o.path("like").asInt(0) == 1;
            if (like && !click) {
                throw new UserInputException(where + ": like without click (a like implies a click)");
            }
            events.add(new RecsysData.Event(u, i, o.path("time").asLong(0), click, like, split));
        });
        return new RecsysData(itemIds, features.toArray(new float[0][]), cold.stream().mapToInt(b -> b ? 1 : 0).toArray(),
                userIds, events);
    }

    private interface LineHandler {
        void accept(JsonNode o, String where);
    }

    private static void lines(Path file, LineHandler handler) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException(file + " is missing");
        }
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int n = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String where = file.getFileName() + ":" + n;
                JsonNode o;
                try {
                    o = JSON.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new UserInputException(where + ": not JSON: " + e.getOriginalMessage());
                }
                handler.accept(o, where);
            }
        } catch (IOException e) {
            throw new UserInputException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String key, String where) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw new UserInputException(where + ": missing \"" + key + "\"");
        }
        return v.asText();
    }
}
