package io.openautoglm.train.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.openautoglm.core.TorchRuntime;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Triplet mining, the queue's targets and persistence, momentum contrast and distillation values on hand-made numbers. */
class AlignmentLossesTest {
    /** Three pictures, three captions; pictures 0 and 1 share a caption ("red"), picture 2 is "blue". */
    static final float[] POSITIVES = {
        0.5f, 0.5f, 0,
        0.5f, 0.5f, 0,
        0, 0, 1};

    @Test
    void miningNeverPicksAMatchAndFollowsTheRule() {
        // row i: similarity of picture i to captions 0, 1, 2 (plus a hard negative column 3 for rows 0 and 1)
        float[] similarity = {
            0.9f, 0.8f, 0.85f, 0.5f,
            0.7f, 0.6f, 0.1f, 0.95f,
            0.3f, 0.2f, 0.4f, 0.0f};
        float[] imageToText = {
            0.5f, 0.5f, 0, 0,
            0.5f, 0.5f, 0, 0,
            0, 0, 1, 0};
        SplittableRandom random = new SplittableRandom(1);
        TripletLoss.Mined hardest = TripletLoss.mine(similarity, 3, 4, imageToText, POSITIVES, 0.2, "hardest", random);
        assertThat(hardest.imageAnchors()).containsExactly(2, 3, 0); // picture 2's most similar negative: caption 0 (0.3)
        // caption j against pictures: column j; caption 0's negatives: picture 2 only (0.3)
        // caption j against the pictures (column j): captions 0 and 1 have one negative, picture 2; caption 2's
        // negatives are pictures 0 (0.85) and 1 (0.1)
        assertThat(hardest.textAnchors()).containsExactly(2, 2, 0);
        TripletLoss.Mined semi = TripletLoss.mine(similarity, 3, 4, imageToText, POSITIVES, 0.2, "semi-hard", random);
        // picture 0 (positive 0.9): negatives 0.85 (within the margin, below the positive) and 0.5 -> 0.85, caption 2
        // picture 1 (positive 0.6): negatives 0.1 and 0.95 (harder than the positive) -> none in (0.4, 0.6); below: 0.1, caption 2
        // picture 2 (positive 0.4): negatives 0.3 (semi-hard), 0.2, 0.0 -> caption 0
        assertThat(semi.imageAnchors()).containsExactly(2, 2, 0);
        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            TripletLoss.Mined r = TripletLoss.mine(similarity, 3, 4, imageToText, POSITIVES, 0.2, "random", random);
            assertThat(r.imageAnchors()[0]).isIn(2, 3);
            drawn.add(r.imageAnchors()[0]);
        }
        assertThat(drawn).containsExactlyInAnyOrder(2, 3);
        // every caption is the same: no negatives at all
        float[] all = {1f / 3, 1f / 3, 1f / 3, 1f / 3, 1f / 3, 1f / 3, 1f / 3, 1f / 3, 1f / 3};
        TripletLoss.Mined none = TripletLoss.mine(new float[9], 3, 3, all, all, 0.2, "hardest", random);
        assertThat(none.imageAnchors()).containsExactly(-1, -1, -1);
    }

    @Test
    void tripletLossIsTheMeanHingeOfTheMinedTriplets() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            // unit vectors: cos(image i, text j) is what the matrix says
            NDArray images = m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)); // (2, 2)
            double c = Math.cos(0.5);
            double s = Math.sin(0.5);
            NDArray texts = m.create(new float[] {1, 0, (float) c, (float) s}, new Shape(2, 2)); // (2, 2)
            float[] eye = {1, 0, 0, 1};
            // s(0,0) = 1, s(0,1) = cos 0.5, s(1,0) = 0, s(1,1) = sin 0.5
            float loss = TripletLoss.loss(images, texts, eye, eye, 0.2, "hardest", new SplittableRandom(0)).getFloat();
            double picture0 = Math.max(0, 0.2 + c - 1); // 0.0776
            double picture1 = Math.max(0, 0.2 + 0 - s); // 0
            double caption0 = Math.max(0, 0.2 + 0 - 1); // 0
            double caption1 = Math.max(0, 0.2 + c - s); // 0.6982
            assertThat((double) loss).isCloseTo((picture0 + picture1 + caption0 + caption1) / 4, within(1e-5));
        }
    }

    @Test
    void queuedKeysWithTheAnchorsCaptionAreMatches() {
        float[] targets = MomentumContrast.targets(POSITIVES, 3, 3, new String[] {"red", "red", "blue"}, new String[] {"blue", "green"});
        assertThat(targets).containsExactly(
                0.5f, 0.5f, 0, 0, 0,
                0.5f, 0.5f, 0, 0, 0,
                0, 0, 0.5f, 0.5f, 0);
    }

    @Test
    void queueWrapsAroundAndRoundTrips(@TempDir Path dir) throws Exception {
        NegativeQueue queue = new NegativeQueue(3, 2);
        queue.push(new float[] {1, 0, 0, 1}, new float[] {2, 0, 0, 2}, new String[] {"a", "b"});
        assertThat(queue.size()).isEqualTo(2);
        queue.push(new float[] {3, 3, 4, 4}, new float[] {5, 5, 6, 6}, new String[] {"c", "d"});
        assertThat(queue.size()).isEqualTo(3);
        assertThat(queue.pointer()).isEqualTo(1);
        assertThat(queue.positiveKeys()).containsExactly("d", "b", "c"); // "d" replaced the oldest, "a"
        assertThat(queue.imageKeys()).containsExactly(4, 4, 0, 1, 3, 3);
        queue.save(dir.resolve("q.safetensors"));
        NegativeQueue back = new NegativeQueue(3, 2);
        back.load(dir.resolve("q.safetensors"));
        assertThat(back.positiveKeys()).containsExactly(queue.positiveKeys());
        assertThat(back.textKeys()).containsExactly(queue.textKeys());
        assertThat(back.pointer()).isEqualTo(1);
    }

    @Test
    void momentumContrastWithoutQueueOrSoftTargetsIsTheContrastiveLossOnTheKeys() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            NDArray images = m.randomNormal(new Shape(3, 4)); // (3, 4)
            NDArray texts = m.randomNormal(new Shape(3, 4)); // (3, 4)
            NDArray factor = m.create(5f); // ()
            NDArray targets = m.create(POSITIVES, new Shape(3, 3)); // (3, 3)
            NDArray keysI = images.div(images.norm(new int[] {-1}, true)); // (3, 4)
            NDArray keysT = texts.div(texts.norm(new int[] {-1}, true)); // (3, 4)
            float momentum = MomentumContrast.loss(images, texts, factor, keysI, keysT, null, null, targets, targets, 0).getFloat();
            float plain = ContrastiveLoss.multiPositive(images, texts, factor, targets).getFloat();
            assertThat(momentum).isCloseTo(plain, within(1e-5f));
            // with momentum distillation the targets blend in the keys' own softmax, which changes the loss
            float soft = MomentumContrast.loss(images, texts, factor, keysI, keysT, null, null, targets, targets, 0.5).getFloat();
            assertThat(soft).isNotCloseTo(plain, within(1e-4f));
        }
    }

    @Test
    void distillationIsZeroWhenTheStudentSeesWhatTheTeacherSees() {
        try (NDManager m = TorchRuntime.engine().newBaseManager()) {
            NDArray images = m.randomNormal(new Shape(4, 8)); // (4, 8)
            NDArray texts = m.randomNormal(new Shape(4, 8)); // (4, 8)
            NDArray cosines = images.div(images.norm(new int[] {-1}, true)).matMul(texts.div(texts.norm(new int[] {-1}, true)).transpose()); // (4, 4)
            assertThat(DistillationLoss.loss(images, texts, cosines, 20f, 3.0).getFloat()).isCloseTo(0f, within(1e-5f));
            NDArray other = m.randomNormal(new Shape(4, 8)); // (4, 8)
            float apart = DistillationLoss.loss(other, texts, cosines, 20f, 1.0).getFloat();
            assertThat(apart).isGreaterThan(0.01f);
        }
    }
}
