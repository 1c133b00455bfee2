package io.openautoglm.train.data;

import io.openautoglm.core.data.QuestionAnswer;
import io.openautoglm.core.image.ImageLoader;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.image.corrupt.RandomCorruption;
import io.openautoglm.core.model.clip.ClipImageProcessor;
import io.openautoglm.core.model.clip.ClipTokenizer;
import io.openautoglm.train.loss.ContrastiveLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prepares batches in background threads, a bounded number ahead of the model. Batch {@code k} is a
 * pure function of (seed, k): the examples at positions [kB, (k+1)B) of an endless sequence of
 * per-epoch shuffles, each with its caption and crop drawn from a generator seeded by its
 * position. So a resumed run sees exactly the batches the uninterrupted one would have. With
 * {@code hardNegatives > 0} each example also contributes up to that many of its hard-negative
 * captions, appended after the batch's captions. A {@link RandomCorruption} (data.corruptions)
 * corrupts pictures after their crop, from its own stream for the position.
 */
public final class BatchLoader implements AutoCloseable {
    private final ImageTextDataset dataset;
    private final ClipImageProcessor processor;
    private final ClipTokenizer tokenizer;
    private final ImageLoader imageLoader;
    private final RandomResizedCrop crop; // null: no augmentation
    private final int batchSize;
    private final String captionSampling;
    private final int hardNegatives;
    private final long seed;
    private final int prefetch;
    private final ExecutorService workers;
    private final Map<Long, Future<Batch>> ahead = new HashMap<>();
    private final Map<Long, int[]> shuffles = new HashMap<>();
    private static final long NEGATIVES_SALT = 0x2545F4914F6CDD1DL;
    private static final long QUESTIONS_SALT = 0x4F1BBCDCBFA53E0BL;
    private final HeadTasks heads; // null: only the contrastive loss trains
    private static final long CORRUPTION_SALT = 0x61C8864680B583EBL;
    private final RandomCorruption corruption; // null: pictures stay clean

    public BatchLoader(ImageTextDataset dataset, ClipImageProcessor processor, ClipTokenizer tokenizer, ImageLoader imageLoader,
            RandomResizedCrop crop, int batchSize, String captionSampling, int hardNegatives, long seed, int threads, int prefetch) {
        this(dataset, processor, tokenizer, imageLoader, crop, batchSize, captionSampling, hardNegatives, seed, threads, prefetch, null);
    }

    /** As above; {@code heads} (or null) adds what the other heads learn from to every batch. */
    public BatchLoader(ImageTextDataset dataset, ClipImageProcessor processor, ClipTokenizer tokenizer, ImageLoader imageLoader,
            RandomResizedCrop crop, int batchSize, String captionSampling, int hardNegatives, long seed, int threads, int prefetch,
            HeadTasks heads) {
        this(dataset, processor, tokenizer, imageLoader, crop, batchSize, captionSampling, hardNegatives, seed, threads, prefetch, heads, null);
    }

    /** As above; {@code corruption} (or null) corrupts training pictures after their crop (data.corruptions). */
    public BatchLoader(ImageTextDataset dataset, ClipImageProcessor processor, ClipTokenizer tokenizer, ImageLoader imageLoader,
            RandomResizedCrop crop, int batchSize, String captionSampling, int hardNegatives, long seed, int threads, int prefetch,
            HeadTasks heads, RandomCorruption corruption) {
        this.corruption = corruption;
        this.heads = heads;
        this.captionSampling = captionSampling;
        this.hardNegatives = hardNegatives;
        this.dataset = dataset;
        this.processor = processor;
        this.tokenizer = tokenizer;
        this.imageLoader = imageLoader;
        this.crop = crop;
        this.batchSize = batchSize;
        this.seed = seed;
        this.prefetch = prefetch;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "batch-loader-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Batch {@code k}; schedules the next {@code prefetch} batches in the background. */
    public Batch get(long k) {
        ahead.keySet().removeIf(i -> i < k);
        for (long i = k; i < k + prefetch; i++) {
            long index = i;
            ahead.computeIfAbsent(index, x -> workers.submit(() -> build(index)));
        }
        try {
            return ahead.remove(k).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading batch " + k, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Epochs completed after {@code k} batches. */
    public double epochsAt(long k) {
        return (double) k * batchSize / dataset.size();
    }

    private Batch build(long k) {
        int s = processor.config().imageSize();
        int t = tokenizer.contextLength();
        int per = 3 * s * s;
        float[] pixels = new float[batchSize * per];
        long[] ids = new long[batchSize * t];
        String[] captions = new String[batchSize];
        String[] keys = new String[batchSize];
        List<String> negatives = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        List<TrainingExample> examples = new ArrayList<>();
        List<PictureFrame> frames = new ArrayList<>();
        for (int b = 0; b < batchSize; b++) {
            long position = k * batchSize + b;
            TrainingExample ex = dataset.get(exampleAt(position));
            examples.add(ex);
            SplittableRandom random = new SplittableRandom(mix(seed, position));
            int choice = random.nextInt(ex.captions().size()); // drawn either way, so crops match across settings
            boolean first = switch (captionSampling) {
                case "first" -> true;
                case "mixed" -> random.nextBoolean();
                default -> false;
            };
            String caption = ex.captions().get(first ? 0 : choice);
            RgbImage image = imageLoader.load(ex.image());
            RandomResizedCrop.Region region = crop == null ? null : crop.region(image.width(), image.height(), random);
            frames.add(new PictureFrame(image.width(), image.height(), region));
            if (region != null) {
                image = RandomResizedCrop.crop(image, region.x(), region.y(), region.width(), region.height());
            }
            if (corruption != null) {
                // Its own stream, so turning corruptions on leaves captions, crops and negatives as they were.
                image = corruption.apply(image, new SplittableRandom(mix(seed ^ CORRUPTION_SALT, position)));
            }
            System.arraycopy(processor.preprocess(image), 0, pixels, b * per, per);
            System.arraycopy(tokenizer.encode(caption), 0, ids, b * t, t);
            captions[b] = caption;
            keys[b] = ex.positiveKey() != null ? "key:" + ex.positiveKey() : "caption:" + normalizeCaption(caption);
            // Its own stream, so turning hard negatives on leaves captions and crops as they were.
            List<String> mine = pick(ex.hardNegatives(), hardNegatives, new SplittableRandom(mix(seed ^ NEGATIVES_SALT, position)));
            negatives.addAll(mine);
            mine.forEach(n -> owners.add(examples.size() - 1));
        }
        String[] columnKeys = Arrays.copyOf(keys, batchSize + negatives.size());
        long[] allIds = Arrays.copyOf(ids, (batchSize + negatives.size()) * t);
        for (int n = 0; n < negatives.size(); n++) {
            // A negative that reads exactly like another picture's caption is that picture's match.
            columnKeys[batchSize + n] = "caption:" + normalizeCaption(negatives.get(n));
            System.arraycopy(tokenizer.encode(negatives.get(n)), 0, allIds, (batchSize + n) * t, t);
        }
        float[] textToImage = ContrastiveLoss.targets(keys);
        float[] imageToText = negatives.isEmpty() ? textToImage : ContrastiveLoss.targets(keys, columnKeys);
        return new Batch(batchSize, negatives.size(), s, t, pixels, allIds, imageToText, textToImage, captions,
                owners.stream().mapToInt(Integer::intValue).toArray(), heads != null && heads.fusion() ? fusionTargets(k, examples, frames) : null,
                heads == null || heads.tags() == null ? null : tagTargets(examples, heads.tags()), keys);
    }

    /** (B, K): 1 where the picture has the tag, 0 elsewhere (tags outside the vocabulary are ignored). */
    private static float[] tagTargets(List<TrainingExample> examples, Map<String, Integer> vocabulary) {
        int k = vocabulary.size();
        float[] targets = new float[examples.size() * k];
        for (int b = 0; b < examples.size(); b++) {
            for (String tag : examples.get(b).tags()) {
                Integer index = vocabulary.get(tag);
                if (index != null) {
                    targets[b * k + index] = 1f;
                }
            }
        }
        return targets;
    }

    /**
     * Q distinct questions per picture (its own random stream; the first is the one a single-question
     * run draws) with soft answer targets, and the record captions.
     */
    private Batch.FusionTargets fusionTargets(long k, List<TrainingExample> examples, List<PictureFrame> frames) {
        int t = tokenizer.contextLength();
        Map<String, Integer> vocabulary = heads.answers();
        int q = heads.questionsPerImage();
        int a = vocabulary == null ? 0 : vocabulary.size();
        long[] questionIds = vocabulary == null ? null : new long[batchSize * q * t];
        float[] answerTargets = vocabulary == null ? null : new float[batchSize * q * a];
        long[] captionIds = heads.captions() ? new long[batchSize * t] : null;
        float[] grounding = vocabulary != null && heads.grounding() ? new float[batchSize * q * t * 4] : null;
        long[] empty = tokenizer.encode("");
        for (int b = 0; b < batchSize; b++) {
            TrainingExample ex = examples.get(b);
            if (captionIds != null) {
                System.arraycopy(tokenizer.encode(ex.captions().get(0)), 0, captionIds, b * t, t);
            }
            if (vocabulary == null) {
                continue;
            }
            List<QuestionAnswer> pool = new ArrayList<>(ex.questions());
            SplittableRandom random = new SplittableRandom(mix(seed ^ QUESTIONS_SALT, k * batchSize + b));
            for (int j = 0; j < q; j++) {
                int row = b * q + j;
                if (pool.isEmpty()) {
                    System.arraycopy(empty, 0, questionIds, row * t, t);
                    continue;
                }
                QuestionAnswer qa = pool.remove(random.nextInt(pool.size()));
                addAnswerTargets(qa, vocabulary, answerTargets, row * a);
                System.arraycopy(tokenizer.encode(qa.question()), 0, questionIds, row * t, t);
                if (grounding != null) {
                    addGroundingTargets(qa.question(), ex.objects(), frames.get(b), grounding, row * t * 4);
                }
            }
        }
        return new Batch.FusionTargets(questionIds, answerTargets, a, q, captionIds, grounding);
    }

    /** A source picture's size and the crop taken of it (null: none). */
    private record PictureFrame(int width, int height, RandomResizedCrop.Region crop) {}

    /**
     * For each phrase of {@code text} that names one object: at the phrase's last token, 1 and the
     * object's centre and radius in the model's input (x, y, r), at {@code offset} + 4 * token. The token is the last
     * one of the text cut after the phrase, so any tokenizer that splits words consistently places it.
     */
    private void addGroundingTargets(String text, List<ObjectGrounding.SceneObject> objects, PictureFrame frame, float[] targets,
            int offset) {
        for (ObjectGrounding.Mention mention : ObjectGrounding.mentions(text, objects)) {
            ObjectGrounding.SceneObject o = mention.object();
            double[] xy = ObjectGrounding.toInput(o.x(), o.y(), o.radius(), frame.width(), frame.height(), frame.crop(), processor);
            int token = lastWordToken(tokenizer.encode(text.substring(0, mention.end())));
            if (xy == null || token < 0) {
                continue; // cropped away, or past the context length
            }
            targets[offset + 4 * token] = 1f;
            targets[offset + 4 * token + 1] = (float) xy[0];
            targets[offset + 4 * token + 2] = (float) xy[1];
            targets[offset + 4 * token + 3] = (float) xy[2];
        }
    }

    /** The position of the token before the end-of-text token, or -1 when the text was cut short. */
    private int lastWordToken(long[] ids) {
        long end = ids[ids.length - 1];
        for (int p = 1; p < ids.length; p++) {
            if (ids[p] == tokenizer.eosId()) {
                return p == ids.length - 1 && end == tokenizer.eosId() ? -1 : p - 1;
            }
        }
        return -1;
    }

    /** Each known answer's share among the question's known answers, at {@code offset}. */
    private static void addAnswerTargets(QuestionAnswer qa, Map<String, Integer> vocabulary, float[] targets, int offset) {
        int known = 0;
        for (String answer : qa.answers()) {
            if (vocabulary.containsKey(answer)) {
                known++;
            }
        }
        for (String answer : qa.answers()) {
            Integer index = vocabulary.get(answer);
            if (index != null) {
                targets[offset + index] += 1f / known;
            }
        }
    }

    /** Up to {@code n} distinct items of {@code from}, drawn without replacement. */
    private static List<String> pick(List<String> from, int n, SplittableRandom random) {
        if (n == 0 || from.isEmpty()) {
            return List.of();
        }
        List<String> pool = new ArrayList<>(from);
        List<String> out = new ArrayList<>();
        while (out.size() < n && !pool.isEmpty()) {
            out.add(pool.remove(random.nextInt(pool.size())));
        }
        return out;
    }

    /** Captions that differ only in case, spacing or final punctuation are the same caption. */
    static String normalizeCaption(String caption) {
        return caption.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ").replaceAll("[.!]+$", "");
    }

    private int exampleAt(long position) {
        int n = dataset.size();
        long epoch = position / n;
        int[] order;
        synchronized (shuffles) {
            order = shuffles.computeIfAbsent(epoch, e -> shuffle(n, mix(seed ^ 0x5DEECE66DL, e)));
            shuffles.keySet().removeIf(e -> e < epoch - 1);
        }
        return order[(int) (position % n)];
    }

    private static int[] shuffle(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }

    /** A well-mixed seed from two numbers (SplitMix64's finalizer). */
    static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
