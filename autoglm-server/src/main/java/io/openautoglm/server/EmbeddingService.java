package io.openautoglm.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.openautoglm.core.EmbedOptions;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.io.Sha256;
import io.openautoglm.core.model.clip.TextWindows;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * The model functions the routes call: text and image embeddings, each through the cache and then
 * its own {@link MicroBatcher}. Pictures are decoded (with the pixel limit) on the caller's thread,
 * so the model thread only runs the network. New model functions (the fusion heads: matching, VQA,
 * captions) add one batcher each here.
 */
public final class EmbeddingService implements AutoCloseable {
    private final MultimodalModel model;
    private final String modelId;
    private final ImageLoader imageLoader;
    private final EmbeddingCache cache;
    private final MicroBatcher<TextInput, float[]> textBatcher;
    private final MicroBatcher<RgbImage, float[]> imageBatcher;
    private final float logitScale;
    // Decoding a picture near the pixel limit takes hundreds of MB; at most this many at once, so
    // memory stays bounded however many requests arrive together.
    private final Semaphore decoding = new Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));
    // Requests waiting for a decoder: under overload this line, not the model queue, can hold
    // admitted pictures longest, so admission watches it too.
    private final WaitLine decodeLine = new WaitLine();
    private final int maxDecodeWaitMillis;

    /** @param requestsInFlight the server's API requests in flight (see {@link MicroBatcher}) */
    public EmbeddingService(MultimodalModel model, ServerConfig config, MeterRegistry registry, IntSupplier requestsInFlight) {
        this.model = model;
        this.modelId = identity(model);
        this.imageLoader = new ImageLoader(config.maxImagePixels());
        this.cache = new EmbeddingCache(config.cacheEntries(), registry);
        this.textBatcher = new MicroBatcher<>("text_embedding", config.textBatching(),
                this::embedTextBatch, requestsInFlight, registry);
        this.imageBatcher = new MicroBatcher<>("image_embedding", config.imageBatching(),
                images -> Arrays.asList(model.embedImages(images, oneCall(images.size()))), requestsInFlight, registry);
        this.logitScale = model.logitScale();
        this.maxDecodeWaitMillis = config.imageBatching().maxQueueMillis();
        Gauge.builder("autoglm.decode.oldest.wait", decodeLine, l -> l.oldestWaitMillis() / 1000.0)
                .description("how long the oldest request waiting for a picture decoder has waited, in seconds")
                .baseUnit("seconds").register(registry);
        Gauge.builder("autoglm.decode.waiting", decodeLine, WaitLine::size)
                .description("requests waiting for a picture decoder").register(registry);
    }

    /**
     * Null while the model keeps up; otherwise why it is behind: a batcher's oldest queued item,
     * or the oldest request waiting for a picture decoder, has waited longer than the queue-time
     * limit (the picture batcher's, for decoding).
     */
    public String behind() {
        String text = textBatcher.behind();
        if (text != null) {
            return text;
        }
        String decoding = WaitLine.behind("picture decoding", "request waiting for a decoder", decodeLine.oldestWaitMillis(),
                maxDecodeWaitMillis);
        return decoding != null ? decoding : imageBatcher.behind();
    }

    /** The whole coalesced batch in one model call, normalized. */
    private static EmbedOptions oneCall(int items) {
        return EmbedOptions.defaults().withBatchSize(Math.max(1, items));
    }

    /**
     * The cache's notion of "the same model": its name plus a hash of its configuration and
     * provenance. One server serves one model, so this only has to tell models apart if a cache
     * ever outlives or is shared beyond one server.
     */
    static String identity(MultimodalModel model) {
        String described = model.config() + "|" + model.layout() + "|" + model.preprocessor();
        return model.name() + "@" + Sha256.of(described.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    public MultimodalModel model() {
        return model;
    }

    public String modelName() {
        return model.name();
    }

    public String modelId() {
        return modelId;
    }

    public int dimensions() {
        return model.embeddingDim();
    }

    public float logitScale() {
        return logitScale;
    }

    /** A text for the text batcher, with how to read it past the context. */
    record TextInput(String text, boolean truncate) {}

    /**
     * What the model reads of one text: its tokens (start and end included), the windows it takes, and
     * whether it is cut to the context instead.
     */
    public record TextRead(int tokens, int windows, boolean truncated) {
        /** Tokens the model reads: all of them, or the context length when cut (OpenAI's usage block). */
        public int tokensRead(int contextLength) {
            return truncated ? contextLength : tokens;
        }
    }

    /**
     * One coalesced batch: the windowed texts in one model call (all their windows batched together),
     * the cut ones in another.
     */
    private List<float[]> embedTextBatch(List<TextInput> inputs) {
        float[][] out = new float[inputs.size()][];
        for (boolean truncate : new boolean[] {false, true}) {
            List<Integer> at = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < inputs.size(); i++) {
                if (inputs.get(i).truncate() == truncate) {
                    at.add(i);
                    texts.add(inputs.get(i).text());
                }
            }
            if (!texts.isEmpty()) {
                float[][] part = model.embedTexts(texts, oneCall(texts.size()).withTruncate(truncate)); // (n, P)
                for (int k = 0; k < at.size(); k++) {
                    out[at.get(k)] = part[k];
                }
            }
        }
        return Arrays.asList(out);
    }

    /** Embeds texts (normalized, long ones in pooled windows), waiting until {@code deadlineNanos}. */
    public List<float[]> embedTexts(List<String> texts, long deadlineNanos) {
        return embedTexts(texts, false, deadlineNanos);
    }

    /**
     * Embeds texts (normalized), waiting until {@code deadlineNanos} (a {@link System#nanoTime()} value):
     * a text longer than the context in pooled windows (400 past {@link #maxWindows()}), or cut to the
     * context when {@code truncate}.
     */
    public List<float[]> embedTexts(List<String> texts, boolean truncate, long deadlineNanos) {
        List<TextInput> inputs = new ArrayList<>(texts.size());
        List<EmbeddingCache.Key> keys = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String t = texts.get(i);
            // Here, on the request thread: the model thread only sees bounded texts.
            String read = truncate ? contextWindow(t) : withinLimit(i, texts.size(), t);
            inputs.add(new TextInput(read, truncate));
            keys.add(new EmbeddingCache.Key(modelId, truncate ? "text-cut" : "text", Sha256.of(read.getBytes(StandardCharsets.UTF_8))));
        }
        return compute(keys, lookUp(keys), inputs::get, textBatcher, deadlineNanos);
    }

    /** Most windows one text may take here (then 400): {@link EmbedOptions#DEFAULT_MAX_WINDOWS}. */
    public int maxWindows() {
        return EmbedOptions.DEFAULT_MAX_WINDOWS;
    }

    /** What the model reads of {@code text}; 400 when it needs more than {@link #maxWindows()} windows. */
    public TextRead textRead(String text, boolean truncate) {
        int context = model.config().text().contextLength();
        if (truncate) {
            int tokens = model.tokenizer().encodeFull(contextWindow(text)).length;
            return new TextRead(tokens, 1, tokens > context);
        }
        int tokens = model.tokenizer().encodeFull(withinLimit(0, 1, text)).length;
        return new TextRead(tokens, TextWindows.count(tokens, context), false);
    }

    /**
     * The text itself when its windows fit the limit, else 400. Only a prefix a little past the limit
     * is tokenized, so a megabyte of text is refused for the cost of its first few thousand words.
     */
    private String withinLimit(int index, int count, String text) {
        int context = model.config().text().contextLength();
        int maxTokens = (context - 2) + (maxWindows() - 1) * TextWindows.stride(context) + 2; // the most that fit
        String prefix = prefixWithTokens(text, maxTokens + 1);
        int tokens = model.tokenizer().encodeFull(prefix).length;
        if (tokens > maxTokens) {
            String which = count == 1 ? "the text" : "text " + index;
            throw ApiException.badRequest("text_too_long", which + " needs more than " + maxWindows() + " windows of "
                    + context + " tokens (over " + maxTokens + " tokens); send a shorter text, or \"truncate\": true to "
                    + "embed its first " + context + " tokens");
        }
        return text;
    }

    /**
     * Embeds encoded pictures (PNG, JPEG, ...): 400 for undecodable bytes, 413 over the pixel limit,
     * 503 once the deadline has passed. Each picture goes to the batcher as soon as it is decoded,
     * so this thread holds at most one decoded picture at a time.
     */
    public List<float[]> embedImages(List<byte[]> files, long deadlineNanos) {
        List<EmbeddingCache.Key> keys = new ArrayList<>();
        for (byte[] f : files) {
            keys.add(new EmbeddingCache.Key(modelId, "image", Sha256.of(f)));
        }
        // Decode only what the cache does not already know (compute asks only for the misses).
        return compute(keys, lookUp(keys), i -> decodePicture(files.get(i), files.size() == 1 ? "image" : "input " + i, deadlineNanos),
                imageBatcher, deadlineNanos);
    }

    /**
     * The prefix of {@code text} the model reads when cutting: CLIP keeps only its first context-length
     * tokens, so tokenizing a megabyte to keep 77 tokens is wasted model-thread time.
     */
    String contextWindow(String text) {
        return prefixWithTokens(text, model.config().text().contextLength());
    }

    /**
     * A prefix of {@code text} with at least {@code tokens} tokens (or the whole text), cut at a space
     * and grown from a few characters a token, so its first {@code tokens} tokens are the full text's.
     */
    private String prefixWithTokens(String text, int tokens) {
        for (long chars = (long) tokens * 16; chars < text.length(); chars *= 4) {
            int at = (int) chars;
            int cut = text.lastIndexOf(' ', at);
            if (cut < at / 2) {
                cut = Character.isHighSurrogate(text.charAt(at - 1)) ? at - 1 : at; // no space: one long word
            }
            String prefix = text.substring(0, cut);
            if (tokensOf(prefix) >= tokens) {
                return prefix;
            }
        }
        return text;
    }

    /** One cache look-up per input (so hit and miss counts are exact); null where missing. */
    private float[][] lookUp(List<EmbeddingCache.Key> keys) {
        float[][] hits = new float[keys.size()][];
        for (int i = 0; i < hits.length; i++) {
            hits[i] = cache.get(keys.get(i));
        }
        return hits;
    }

    /**
     * Decodes one picture under the bounded decoder pool, for the embedding routes and for routes
     * that run the model themselves: 400, 413, or 503 when no decoder frees up by the deadline.
     */
    public RgbImage decodePicture(byte[] bytes, String name, long deadlineNanos) {
        long ticket = decodeLine.enter();
        try {
            long left = deadlineNanos - System.nanoTime();
            // Past the deadline a free decoder would be taken at once: check the clock itself.
            if (left <= 0 || !decoding.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                throw new ApiException(503, "timeout", "the pictures were not decoded within the request timeout; retry later", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "shutting_down", "the server is shutting down", 1);
        } finally {
            decodeLine.leave(ticket);
        }
        try {
            return ImageData.toImage(imageLoader, bytes, name);
        } finally {
            decoding.release();
        }
    }

    /** The hits as they are, the misses through the batcher (then cached), all by the deadline. */
    private <I> List<float[]> compute(List<EmbeddingCache.Key> keys, float[][] hits, IntFunction<I> input,
            MicroBatcher<I, float[]> batcher, long deadlineNanos) {
        List<CompletableFuture<float[]>> futures = new ArrayList<>();
        try {
            boolean arriving = true;
            for (int i = 0; i < keys.size(); i++) {
                if (hits[i] != null) {
                    futures.add(CompletableFuture.completedFuture(hits[i]));
                } else {
                    futures.add(batcher.submit(input.apply(i), arriving));
                    arriving = false;
                }
            }
            List<float[]> out = new ArrayList<>();
            for (int i = 0; i < futures.size(); i++) {
                long left = deadlineNanos - System.nanoTime();
                float[] e = futures.get(i).get(Math.max(0, left), TimeUnit.NANOSECONDS);
                if (hits[i] == null) {
                    cache.put(keys.get(i), e);
                }
                out.add(e);
            }
            return out;
        } catch (TimeoutException e) {
            throw new ApiException(503, "timeout", "the model did not answer within the request timeout; retry later", 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "shutting_down", "the server is shutting down", 1);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            if (e.getCause() instanceof UserInputException bad) {
                // e.g. a picture too elongated to resize: the input's fault, told as it is
                throw ApiException.badRequest("invalid_image", bad.getMessage());
            }
            throw new IllegalStateException("model call failed: " + e.getCause(), e.getCause());
        } catch (CancellationException e) {
            throw new ApiException(503, "shutting_down", "the server is shutting down", 1);
        } finally {
            // Whatever did not finish (an error, a timeout, a refusal half-way) is dropped from the queue.
            futures.forEach(f -> f.cancel(false));
        }
    }

    /** Tokens the model reads for {@code text} when windowed (start and end included), for OpenAI's usage block. */
    public int tokenCount(String text) {
        return textRead(text, false).tokens();
    }

    /** Tokens of {@code text}, start and end included, uncut. */
    private int tokensOf(String text) {
        return model.tokenizer().encodeFull(text).length;
    }

    public EmbeddingCache cache() {
        return cache;
    }

    public List<MicroBatcher<?, ?>> batchers() {
        return List.of(textBatcher, imageBatcher);
    }

    /** Lets queued work finish, then stops the model threads; the model itself is closed by its owner. */
    @Override
    public void close() {
        textBatcher.close();
        imageBatcher.close();
    }
}
