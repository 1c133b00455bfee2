package io.openautoglm.search;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The pictures an index build reads: every image file under a folder, or the unique images of a
 * JSONL manifest. Ids are paths relative to the folder (or to the manifest), with {@code /}, so an
 * index stays valid when the whole collection moves.
 */
public final class ImageSource {
    /** Extensions we decode (ImageIO plus the TwelveMonkeys plugins). */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp");

    /** One picture to index. */
    public record Item(String id, Path file, Map<String, String> metadata) {}

    private ImageSource() {}

    /**
     * Image files under {@code dir} (recursively, hidden folders skipped), sorted by path; each
     * gets {@code folder} metadata (its parent relative to {@code dir}) when it is in a subfolder.
     */
    public static List<Item> folder(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserInputException("image folder " + dir + (Files.exists(dir) ? " is not a folder" : " does not exist"));
        }
        List<Item> items = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile)
                    .filter(p -> isImage(p) && !hidden(dir.relativize(p)))
                    .sorted()
                    .forEach(p -> {
                        Path rel = dir.relativize(p);
                        Map<String, String> metadata = rel.getParent() == null ? Map.of()
                                : Map.of("folder", slashes(rel.getParent()));
                        items.add(new Item(slashes(rel), p.toAbsolutePath().normalize(), metadata));
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (items.isEmpty()) {
            throw new UserInputException("image folder " + dir + " has no pictures (" + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ")");
        }
        return items;
    }

    /**
     * The manifest's unique images; metadata are the scalar fields of an image's first record
     * ({@code caption}, {@code label}, {@code split}, ...), arrays and objects left out.
     */
    public static List<Item> manifest(Manifest manifest) {
        Path base = manifest.file().toAbsolutePath().getParent();
        Map<Path, Item> unique = new LinkedHashMap<>();
        for (ManifestRecord r : manifest.records()) {
            unique.computeIfAbsent(r.image(), image -> {
                Map<String, String> metadata = new LinkedHashMap<>();
                r.fields().fields().forEachRemaining(f -> {
                    JsonNode v = f.getValue();
                    if (!f.getKey().equals("image") && v.isValueNode() && !v.isNull()) {
                        metadata.put(f.getKey(), v.asText());
                    }
                });
                Path abs = image.toAbsolutePath().normalize();
                String id = abs.startsWith(base) ? slashes(base.relativize(abs)) : abs.toString();
                return new Item(id, abs, metadata);
            });
        }
        return List.copyOf(unique.values());
    }

    private static boolean isImage(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static boolean hidden(Path rel) {
        for (Path part : rel) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String slashes(Path p) {
        return p.toString().replace(p.getFileSystem().getSeparator(), "/");
    }
}
