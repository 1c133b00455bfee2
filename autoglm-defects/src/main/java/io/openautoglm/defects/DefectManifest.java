package io.openautoglm.defects;

import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An inspection manifest: JSONL records {@code {"image", "label": "good" | defect type,
 * "category"?, "mask"?, "split"?}}, paths relative to the manifest. A record without a category
 * belongs to the one category {@code object}.
 */
public final class DefectManifest {
    public static final String GOOD = "good";
    public static final String DEFAULT_CATEGORY = "object";

    /** @param mask null when the record has none */
    public record Item(int line, Path image, String label, String category, Path mask, String split) {
        public boolean defect() {
            return !GOOD.equals(label);
        }
    }

    private DefectManifest() {}

    /**
     * The records of {@code split} (all records when none has a split), each with a label.
     *
     * @param purpose what needs the labels, for the error message ("fit", "eval")
     */
    public static List<Item> read(Path file, String split, String purpose) {
        Manifest manifest = Manifest.read(file);
        boolean anySplit = manifest.records().stream().anyMatch(r -> r.get("split") != null);
        Path base = file.toAbsolutePath().getParent();
        List<Item> out = new ArrayList<>();
        for (ManifestRecord r : manifest.records()) {
            if (anySplit && !split.equals(r.get("split"))) {
                continue;
            }
            String label = r.get("label");
            if (label == null || label.isBlank()) {
                throw new UserInputException(file + ":" + r.lineNumber() + ": no \"label\": defects " + purpose
                        + " needs every record labelled \"good\" or a defect type (as `autoglm data defects` writes them)");
            }
            String category = r.get("category");
            String mask = r.get("mask");
            out.add(new Item(r.lineNumber(), r.image(), label.strip(), category == null || category.isBlank() ? DEFAULT_CATEGORY : category,
                    mask == null || mask.isBlank() ? null : base.resolve(mask).normalize(), r.get("split")));
        }
        if (out.isEmpty()) {
            throw new UserInputException("manifest " + file + " has no records with \"split\": \"" + split + "\"");
        }
        return out;
    }
}
