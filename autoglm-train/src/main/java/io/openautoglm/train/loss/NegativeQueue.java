package io.openautoglm.train.loss;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.checkpoint.SafetensorsReader;
import io.openautoglm.core.checkpoint.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A first-in first-out queue of past momentum keys (MoCo): normalized image and text embeddings
 * of earlier batches with each one's positive key (its caption or {@code data.positive_key}
 * value), so a queued key that shares the anchor's caption counts as a match rather than a false
 * negative. Kept on the Java heap (K x P floats a side) and copied into each step's tensors, so it
 * owns no native memory. Saved with the checkpoint: both key blocks, the keys, the write position
 * and how many slots are filled.
 */
public final class NegativeQueue {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int capacity;
    private final int dim;
    private final float[] images; // (K, P)
    private final float[] texts; // (K, P)
    private final String[] keys; // (K)
    private int pointer;
    private int filled;

    public NegativeQueue(int capacity, int dim) {
        this.capacity = capacity;
        this.dim = dim;
        this.images = new float[capacity * dim];
        this.texts = new float[capacity * dim];
        this.keys = new String[capacity];
    }

    public int capacity() {
        return capacity;
    }

    /** Keys held so far (at most the capacity). */
    public int size() {
        return filled;
    }

    public int pointer() {
        return pointer;
    }

    /** (size, P) row-major image keys, oldest slot first in storage order. */
    public float[] imageKeys() {
        return Arrays.copyOf(images, filled * dim);
    }

    /** (size, P) row-major text keys. */
    public float[] textKeys() {
        return Arrays.copyOf(texts, filled * dim);
    }

    /** The positive key of each held slot. */
    public String[] positiveKeys() {
        return Arrays.copyOf(keys, filled);
    }

    /**
     * Replaces the oldest {@code n} slots with a batch's keys.
     *
     * @param imageKeys (n, P) normalized
     * @param textKeys (n, P) normalized
     */
    public void push(float[] imageKeys, float[] textKeys, String[] positiveKeys) {
        int n = positiveKeys.length;
        for (int r = 0; r < n; r++) {
            System.arraycopy(imageKeys, r * dim, images, pointer * dim, dim);
            System.arraycopy(textKeys, r * dim, texts, pointer * dim, dim);
            keys[pointer] = positiveKeys[r];
            pointer = (pointer + 1) % capacity;
            filled = Math.min(capacity, filled + 1);
        }
    }

    public void save(Path file) throws IOException {
        Map<String, SafetensorsWriter.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("image_keys", new SafetensorsWriter.Tensor(new long[] {capacity, dim}, images));
        tensors.put("text_keys", new SafetensorsWriter.Tensor(new long[] {capacity, dim}, texts));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("pointer", Integer.toString(pointer));
        meta.put("filled", Integer.toString(filled));
        meta.put("positive_keys", JSON.writeValueAsString(Arrays.copyOf(keys, filled)));
        SafetensorsWriter.write(file, tensors, meta);
    }

    public void load(Path file) {
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            long[] shape = reader.info("image_keys").shape();
            if (shape[0] != capacity || shape[1] != dim) {
                throw new UserInputException(file + " holds a queue of " + shape[0] + " x " + shape[1] + " keys, but the config asks for "
                        + capacity + " x " + dim);
            }
            System.arraycopy(reader.readFloats("image_keys"), 0, images, 0, images.length);
            System.arraycopy(reader.readFloats("text_keys"), 0, texts, 0, texts.length);
            pointer = Integer.parseInt(reader.metadata().get("pointer"));
            filled = Integer.parseInt(reader.metadata().get("filled"));
            String[] saved = JSON.readValue(reader.metadata().get("positive_keys"), String[].class);
            System.arraycopy(saved, 0, keys, 0, saved.length);
        } catch (JsonProcessingException e) {
            throw new UserInputException(file + " has unreadable positive keys: " + e.getOriginalMessage());
        }
    }
}
