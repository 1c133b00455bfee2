package io.openautoglm.train.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.data.HardNegative;
import io.openautoglm.core.data.Manifest;
import io.openautoglm.core.data.ManifestRecord;
import io.openautoglm.core.data.QuestionAnswer;
import io.openautoglm.core.image.ImageLoader;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The image–caption pairs of a manifest, checked before training starts: every image is decoded
 * once, and a record without a caption or with a missing or undecodable image is either fatal or
 * skipped and listed with its line number, as the {@code on_bad_record} option says.
 */
public final class ImageTextDataset {
    private final Manifest manifest;
    private final List<TrainingExample> examples;
    private final List<String> skipped;

    private ImageTextDataset(Manifest manifest, List<TrainingExample> examples, List<String> skipped) {
        this.manifest = manifest;
        this.examples = examples;
        this.skipped = skipped;
    }

    /**
     * @param positiveKey record key whose equal values make positives, or null for same caption
     * @param skipBad true to skip bad records (each is reported on {@code report}), false to fail on the first
     * @param withHardNegatives read each record's {@code "hard_negatives"} (records without them still train)
     */
    public static ImageTextDataset open(Manifest manifest, String positiveKey, boolean skipBad, boolean withHardNegatives,
            ImageLoader loader, PrintStream report) {
        return open(manifest, positiveKey, skipBad, withHardNegatives, List.of(), null, loader, report);
    }

    /**
     * As above; a non-empty {@code questionKeys} also reads each record's questions and answers under those
     * keys ({@link QuestionAnswer}),
     * and a non-null {@code tagsKey} each record's tags under that key (a record without the key has none).
     */
    public static ImageTextDataset open(Manifest manifest, String positiveKey, boolean skipBad, boolean withHardNegatives,
            List<String> questionKeys, String tagsKey, ImageLoader loader, PrintStream report) {
        return open(manifest, positiveKey, skipBad, withHardNegatives, questionKeys, tagsKey, false, loader, report);
    }

    /** As above; {@code withObjects} also reads each record's scene objects ({@link ObjectGrounding#objects}). */
    public static ImageTextDataset open(Manifest manifest, String positiveKey, boolean skipBad, boolean withHardNegatives,
            List<String> questionKeys, String tagsKey, boolean withObjects, ImageLoader loader, PrintStream report) {
        List<ManifestRecord> records = manifest.records();
        String[] problems = new String[records.size()];
        TrainingExample[] checked = new TrainingExample[records.size()];
        IntStream.range(0, records.size()).parallel().forEach(i -> {
            ManifestRecord r = records.get(i);
            String where = manifest.file() + ":" + r.lineNumber() + ": ";
            if (r.captions().isEmpty()) {
                problems[i] = where + "no \"caption\" or \"captions\"";
            } else if (positiveKey != null && r.get(positiveKey) == null) {
                problems[i] = where + "no \"" + positiveKey + "\" (data.positive_key)";
            } else {
                try {
                    List<String> negatives = withHardNegatives
                            ? HardNegative.of(r).stream().map(HardNegative::caption).toList() : List.of();
                    List<QuestionAnswer> questions = questionKeys.isEmpty() ? List.of() : QuestionAnswer.of(r, questionKeys);
                    List<String> tags = tagsKey == null ? List.of() : tags(r, tagsKey);
                    List<ObjectGrounding.SceneObject> objects = withObjects ? ObjectGrounding.objects(r) : List.of();
                    loader.load(r.image());
                    checked[i] = new TrainingExample(r.lineNumber(), r.image(), r.captions(),
                            positiveKey == null ? null : r.get(positiveKey), negatives, questions, tags, objects);
                } catch (UserInputException | IllegalArgumentException e) {
                    problems[i] = where + e.getMessage();
                }
            }
        });
        List<TrainingExample> examples = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (problems[i] != null) {
                if (!skipBad) {
                    throw new UserInputException(problems[i] + " (set data.on_bad_record: skip to skip such records)");
                }
                skipped.add(problems[i]);
                report.println("skipped " + problems[i]);
                continue;
            }
            examples.add(checked[i]);
        }
        if (examples.isEmpty()) {
            throw new UserInputException("manifest " + manifest.file() + " has no usable records (" + skipped.size() + " skipped)");
        }
        return new ImageTextDataset(manifest, List.copyOf(examples), List.copyOf(skipped));
    }

    /** A record's tags: a list of strings, or one string; absent or null means none. */
    static List<String> tags(ManifestRecord r, String key) {
        JsonNode v = r.fields().get(key);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (v.isTextual()) {
            return List.of(v.asText());
        }
        boolean allText = v.isArray();
        for (JsonNode tag : v) {
            allText &= tag.isTextual();
        }
        if (!allText) {
            throw new IllegalArgumentException("\"" + key + "\" (data.tags_key) must be a list of strings or one string, got " + v);
        }
        List<String> tags = new ArrayList<>();
        v.forEach(tag -> tags.add(tag.asText()));
        return tags.stream().distinct().toList();
    }

    public Manifest manifest() {
        return manifest;
    }

    public int size() {
        return examples.size();
    }

    public TrainingExample get(int i) {
        return examples.get(i);
    }

    public List<TrainingExample> examples() {
        return examples;
    }

    /** Problems of the records that were skipped, one line each. */
    public List<String> skipped() {
        return skipped;
    }
}
