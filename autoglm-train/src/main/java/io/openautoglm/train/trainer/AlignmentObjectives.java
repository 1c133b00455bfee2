package io.openautoglm.train.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.data.Batch;
import io.openautoglm.train.loss.DistillationLoss;
import io.openautoglm.train.loss.MomentumContrast;
import io.openautoglm.train.loss.NegativeQueue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The state the alignment objectives keep beside the model for a run: the momentum encoder and
 * its negative queue ({@code model.momentum}, {@code loss.queue_size}) and the frozen teacher of
 * {@code loss.distill}, loaded once. All of it is owned here and closed with the run; the momentum
 * weights and the queue are written into every checkpoint and read back on resume.
 */
final class AlignmentObjectives implements AutoCloseable {
    static final String MOMENTUM = "momentum.safetensors";
    static final String QUEUE = "queue.safetensors";

    private final MomentumEncoder momentum; // null without model.momentum
    private final NegativeQueue queue; // null without loss.queue_size
    private final double momentumDistill;
    private final MultimodalModel teacher; // null without loss.distill
    private final float teacherFactor;
    private final TrainConfig.Temperature temperature;

    private AlignmentObjectives(MomentumEncoder momentum, NegativeQueue queue, double momentumDistill, MultimodalModel teacher,
            TrainConfig.Temperature temperature) {
        this.momentum = momentum;
        this.queue = queue;
        this.momentumDistill = momentumDistill;
        this.teacher = teacher;
        this.teacherFactor = teacher == null ? 0 : teacher.logitScale();
        this.temperature = temperature;
    }

    /** None of them: the plain objectives. */
    static AlignmentObjectives none() {
        return new AlignmentObjectives(null, null, 0, null, null);
    }

    /**
     * What the config turns on, for {@code model}.
     *
     * @param texts training captions: the teacher must tokenize them as the student does
     */
    static AlignmentObjectives open(TrainConfig config, MultimodalModel model, List<String> texts) {
        TrainConfig.Loss loss = config.loss();
        MultimodalModel teacher = loss.distill() == null ? null : teacher(loss.distill(), model, texts);
        MomentumEncoder momentum = null;
        try {
            if (config.model().momentum() > 0) {
                momentum = new MomentumEncoder(model.network(), config.model().momentum());
            }
            NegativeQueue queue = loss.queueSize() > 0 ? new NegativeQueue(loss.queueSize(), model.config().projectionDim()) : null;
            return new AlignmentObjectives(momentum, queue, loss.momentumDistill(), teacher,
                    loss.distill() == null ? null : loss.distill().temperature());
        } catch (RuntimeException e) {
            if (momentum != null) {
                momentum.close();
            }
            if (teacher != null) {
                teacher.close();
            }
            throw e;
        }
    }

    /** Loads the teacher and checks that it sees the student's pictures and token ids as the student does. */
    static MultimodalModel teacher(TrainConfig.Distill distill, MultimodalModel student, List<String> texts) {
        Path dir = Path.of(distill.teacher());
        if (!Files.isDirectory(dir)) {
            throw new UserInputException("loss.distill.teacher: no model folder at " + dir);
        }
        MultimodalModel teacher = MultimodalModel.load(dir);
        try {
            PreprocessorConfig a = teacher.preprocessor();
            PreprocessorConfig b = student.preprocessor();
            if (a.imageSize() != b.imageSize() || !Arrays.equals(a.mean(), b.mean()) || !Arrays.equals(a.std(), b.std())
                    || !a.interpolation().equals(b.interpolation()) || !a.resizeMode().equals(b.resizeMode())) {
                throw new UserInputException("loss.distill.teacher " + dir + " preprocesses pictures differently from the student ("
                        + a.imageSize() + " px vs " + b.imageSize() + " px, or another mean, std or resize): the two must see the same "
                        + "pixels; set model.image_size to " + a.imageSize() + " or fine-tune a student with the teacher's preprocessing");
            }
            for (String text : texts.subList(0, Math.min(texts.size(), 500))) {
                if (!Arrays.equals(teacher.tokenizer().encode(text), student.tokenizer().encode(text))) {
                    throw new UserInputException("loss.distill.teacher " + dir + " tokenizes \"" + text + "\" differently from the "
                            + "student: the two must share a tokenizer (a student trained from scratch takes the teacher's)");
                }
            }
            return teacher;
        } catch (RuntimeException e) {
            teacher.close();
            throw e;
        }
    }

    boolean momentumContrast() {
        return momentum != null;
    }

    /**
     * The contrastive loss against the momentum keys of this batch and the queue; then this
     * batch's keys join the queue.
     *
     * @param pixels (B, 3, S, S)
     * @param ids (B + N, L)
     * @param images (B, P) the student's
     * @param captions (B + N, P) the student's
     * @param logitFactor ()
     */
    NDArray momentumContrast(NDManager scope, Batch batch, NDArray pixels, NDArray ids, NDArray images, NDArray captions,
            NDArray logitFactor) {
        int b = batch.size();
        int texts = b + batch.negatives();
        NDList keys = momentum.keys(scope, pixels, ids);
        NDArray imageKeys = keys.get(0); // (B, P)
        NDArray textKeys = keys.get(1); // (B + N, P)
        String[] rowKeys = batch.positiveKeys() != null ? batch.positiveKeys() : batch.captions();
        String[] queued = queue == null ? new String[0] : queue.positiveKeys();
        int k = queued.length;
        int dim = (int) imageKeys.getShape().get(1);
        NDArray queuedImages = k == 0 ? null : MomentumContrast.matrix(scope, queue.imageKeys(), dim); // (K, P)
        NDArray queuedTexts = k == 0 ? null : MomentumContrast.matrix(scope, queue.textKeys(), dim); // (K, P)
        NDArray imageToText = scope.create(MomentumContrast.targets(batch.imageToText(), b, texts, rowKeys, queued),
                new Shape(b, texts + k)); // (B, B + N + K)
        NDArray textToImage = scope.create(MomentumContrast.targets(batch.textToImage(), b, b, rowKeys, queued),
                new Shape(b, b + k)); // (B, B + K)
        NDArray own = texts == b ? captions : captions.get(":" + b); // (B, P)
        NDArray loss = MomentumContrast.loss(images, own, logitFactor, imageKeys, textKeys, queuedImages, queuedTexts, imageToText,
                textToImage, momentumDistill); // ()
        if (queue != null) {
            NDArray ownKeys = texts == b ? textKeys : textKeys.get(":" + b); // (B, P)
            queue.push(imageKeys.toFloatArray(), ownKeys.toFloatArray(), Arrays.copyOf(rowKeys, b));
        }
        return loss;
    }

    boolean distills() {
        return teacher != null;
    }

    /**
     * The distillation loss at a point of the run.
     *
     * @param progress in [0, 1]: where the temperature schedule is
     */
    NDArray distill(NDManager scope, Batch batch, NDArray pixels, NDArray ids, NDArray images, NDArray captions, double progress) {
        int b = batch.size();
        ParameterStore store = new ParameterStore(scope, false);
        ClipModel net = teacher.network();
        NDArray ownIds = ids.getShape().get(0) == b ? ids : ids.get(":" + b); // (B, L)
        NDArray teacherImages = ClipModel.l2Normalize(net.projectImage(store, net.imageTokens(store, pixels, false), false)); // (B, Pt)
        NDArray teacherTexts = ClipModel.l2Normalize(net.projectText(store, net.textTokens(store, ownIds, false), ownIds, false)); // (B, Pt)
        NDArray cosines = teacherImages.matMul(teacherTexts.transpose()).stopGradient(); // (B, B)
        NDArray own = captions.getShape().get(0) == b ? captions : captions.get(":" + b); // (B, P)
        return DistillationLoss.loss(images, own, cosines, teacherFactor, temperature.at(progress)); // ()
    }

    double temperatureAt(double progress) {
        return temperature == null ? Double.NaN : temperature.at(progress);
    }

    /** After an optimizer step: the momentum weights follow the model's. Gradient recording must be off. */
    void afterUpdate(NDManager scope) {
        if (momentum != null) {
            momentum.update(scope);
        }
    }

    /** Writes the momentum weights and the queue into a checkpoint folder being assembled. */
    void save(Path dir) throws IOException {
        if (momentum != null) {
            momentum.save(dir.resolve(MOMENTUM));
        }
        if (queue != null) {
            queue.save(dir.resolve(QUEUE));
        }
    }

    /** Reads back what {@link #save} wrote; a checkpoint without it (saved before these options were on) is refused. */
    void load(Path checkpoint) {
        if (momentum != null) {
            requireFile(checkpoint.resolve(MOMENTUM));
            momentum.load(checkpoint.resolve(MOMENTUM));
        }
        if (queue != null) {
            requireFile(checkpoint.resolve(QUEUE));
            queue.load(checkpoint.resolve(QUEUE));
        }
    }

    private static void requireFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserInputException("checkpoint " + file.getParent() + " has no " + file.getFileName()
                    + ": it cannot resume a run with model.momentum or loss.queue_size");
        }
    }

    /** For tests: the momentum weights by name, and the queue. */
    java.util.Map<String, float[]> momentumWeights() {
        return momentum == null ? java.util.Map.of() : momentum.weights();
    }

    NegativeQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        try {
            if (momentum != null) {
                momentum.close();
            }
        } finally {
            if (teacher != null) {
                teacher.close();
            }
        }
    }
}
