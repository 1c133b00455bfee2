package io.openautoglm.train.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.model.clip.FilipSimilarity;
import io.openautoglm.core.model.clip.TokenColumns;
import io.openautoglm.core.nn.ParamBlock;
import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.data.Batch;
import io.openautoglm.train.loss.ContrastiveLoss;
import io.openautoglm.train.loss.FusionObjectives;
import io.openautoglm.train.loss.TagLoss;
import io.openautoglm.train.loss.TripletLoss;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One micro-batch's training loss: the weighted sum of the objectives the config turns on. The
 * image tower runs once; its tokens serve the contrastive loss and the image-tag head (class token),
 * the fusion encoder and the caption decoder.
 */
final class MultiTaskLoss {
    private MultiTaskLoss() {}

    /** The summed loss () and each objective's unweighted value. */
    record Result(NDArray total, Map<String, Double> parts) {}

    static Result compute(ClipModel net, ParameterStore store, NDManager micros, Batch batch, TrainConfig.Loss weights,
            SplittableRandom random) {
        return compute(net, store, micros, batch, weights, random, AlignmentObjectives.none(), 0);
    }

    /**
     * @param alignment the momentum encoder, queue and teacher of the run (for the objectives that need them)
     * @param progress how far the run is, in [0, 1] (the triplet margin and distillation temperature follow it)
     */
    static Result compute(ClipModel net, ParameterStore store, NDManager micros, Batch batch, TrainConfig.Loss weights,
            SplittableRandom random, AlignmentObjectives alignment, double progress) {
        int b = batch.size();
        int texts = b + batch.negatives();
        int t = batch.contextLength();
        var text = net.config().text();
        NDArray pixels = micros.create(batch.pixels(), new Shape(b, 3, batch.imageSize(), batch.imageSize())); // (B, 3, S, S)
        // The text tower is causal and pooled at the end-of-text token, so the columns after the
        // batch's last one change nothing: the captions run on the used columns only.
        int captionColumns = TokenColumns.usedLength(batch.tokenIds(), texts, t, text.eosId());
        NDArray ids = micros.create(TokenColumns.firstColumns(batch.tokenIds(), texts, t, captionColumns), new Shape(texts, captionColumns)); // (B + N, L)
        NDArray imageTokens = net.imageTokens(store, pixels, true); // (B, M, Dv)
        NDArray captionTokens = net.textTokens(store, ids, true); // (B + N, L, Dt)
        NDArray images = net.projectImage(store, imageTokens, true); // (B, P)
        NDArray captions = net.projectText(store, captionTokens, ids, true); // (B + N, P)
        Map<String, Double> parts = new LinkedHashMap<>();
        NDArray total = null;
        NDArray logitFactor = net.logitFactor(store, images, true); // () the learned temperature's scale
        if (weights.contrastive() > 0) {
            NDArray imageToText = micros.create(batch.imageToText(), new Shape(b, texts)); // (B, B + N)
            NDArray textToImage = micros.create(batch.textToImage(), new Shape(b, b)); // (B, B)
            NDArray loss;
            if (ClipConfig.FILIP.equals(net.config().similarity())) {
                loss = filipContrastive(net, store, b, imageTokens, captionTokens, ids, logitFactor, imageToText, textToImage); // ()
            } else {
                loss = alignment.momentumContrast()
                        ? alignment.momentumContrast(micros, batch, pixels, ids, images, captions, logitFactor) // () keys from the momentum towers and the queue
                        : ContrastiveLoss.multiPositive(images, captions, logitFactor, imageToText, textToImage); // ()
            }
            total = add(total, loss, weights.contrastive(), parts, "contrastive");
        }
        TrainConfig.Triplet triplet = weights.triplet();
        if (triplet != null && triplet.weight() > 0) {
            NDArray loss = TripletLoss.loss(images, captions, batch.imageToText(), batch.textToImage(), triplet.marginAt(progress),
                    triplet.mining(), random); // ()
            total = add(total, loss, triplet.weight(), parts, "triplet");
        }
        if (weights.distill() != null && weights.distill().weight() > 0) {
            NDArray loss = alignment.distill(micros, batch, pixels, ids, images, captions, progress); // ()
            total = add(total, loss, weights.distill().weight(), parts, "distill");
        }
        if (weights.matching() > 0) {
            NDArray loss = matching(net, store, micros, batch, imageTokens, captionTokens, ids, images, captions,
                    logitFactor.getFloat(), random); // ()
            total = add(total, loss, weights.matching(), parts, "matching");
        }
        Batch.FusionTargets targets = batch.fusion();
        if (weights.answer() > 0) {
            int q = targets.questionsPerImage();
            int rows = b * q;
            int l = TokenColumns.usedLength(targets.questionIds(), rows, t, text.eosId());
            NDArray questions = micros.create(TokenColumns.firstColumns(targets.questionIds(), rows, t, l), new Shape(rows, l)); // (BQ, L)
            NDArray askedImages = q == 1 ? imageTokens : imageTokens.get(micros.create(ownerRows(b, q))); // (BQ, M, Dv)
            NDArray questionTokens = net.textTokens(store, questions, true); // (BQ, L, Dt)
            NDArray pairs;
            if (weights.grounding() > 0) {
                NDList fused = net.fuseWithAttention(store, questionTokens, questions, askedImages, true);
                pairs = fused.get(0); // (BQ, Dt)
                NDArray loss = FusionObjectives.grounding(fused.get(1), targets.groundingTargets(), t); // ()
                total = add(total, loss, weights.grounding(), parts, "grounding");
            } else {
                pairs = net.fuse(store, questionTokens, questions, askedImages, true); // (BQ, Dt)
            }
            NDArray loss = FusionObjectives.answers(net.answerLogits(store, pairs, true), targets.answerTargets()); // ()
            total = add(total, loss, weights.answer(), parts, "answer");
        }
        if (weights.caption() > 0) {
            int l = Math.max(2, TokenColumns.usedLength(targets.captionIds(), b, t, text.eosId()));
            long[] used = TokenColumns.firstColumns(targets.captionIds(), b, t, l); // (B, L)
            NDArray inputs = micros.create(TokenColumns.firstColumns(used, b, l, l - 1), new Shape(b, l - 1)); // (B, L - 1)
            NDArray logits = net.captionLogits(store, inputs, imageTokens, true); // (B, L - 1, V)
            total = add(total, FusionObjectives.captions(logits, used, text.padId()), weights.caption(), parts, "caption");
        }
        if (weights.tags() > 0) {
            NDArray logits = net.imageTagLogits(store, images, true); // (B, K)
            total = add(total, TagLoss.binaryCrossEntropy(logits, batch.tagTargets()), weights.tags(), parts, "tags");
        }
        return new Result(total, parts);
    }

    /**
     * Matching cross-entropy over each picture with its caption (a match), with a mined false
     * caption, each caption with a mined false picture, and each record hard negative with its picture.
     */
    private static NDArray matching(ClipModel net, ParameterStore store, NDManager micros, Batch batch, NDArray imageTokens,
            NDArray captionTokens, NDArray ids, NDArray images, NDArray captions, float scale, SplittableRandom random) {
        int b = batch.size();
        int texts = b + batch.negatives();
        float[] similarity = ClipModel.l2Normalize(images).matMul(ClipModel.l2Normalize(captions.get(":" + b)).transpose())
                .toFloatArray(); // (B, B)
        float[] positives = new float[b * b];
        for (int i = 0; i < b; i++) {
            System.arraycopy(batch.imageToText(), i * texts, positives, i * b, b);
        }
        int[][] mined = FusionObjectives.mineNegatives(similarity, positives, b, scale, random);
        int[] owners = batch.negativeOwners();
        long[] textIndex = new long[3 * b + owners.length];
        long[] imageIndex = new long[textIndex.length];
        boolean[] matches = new boolean[textIndex.length];
        int p = 0;
        for (int i = 0; i < b; i++, p++) {
            textIndex[p] = i;
            imageIndex[p] = i;
            matches[p] = true;
        }
        for (int i = 0; i < b; i++) {
            if (mined[0][i] >= 0) {
                textIndex[p] = mined[0][i];
                imageIndex[p++] = i;
            }
            if (mined[1][i] >= 0) {
                textIndex[p] = i;
                imageIndex[p++] = mined[1][i];
            }
        }
        for (int n = 0; n < owners.length; n++, p++) {
            textIndex[p] = b + n;
            imageIndex[p] = owners[n];
        }
        int pairs = p;
        NDArray t = micros.create(java.util.Arrays.copyOf(textIndex, pairs)); // (Q)
        NDArray v = micros.create(java.util.Arrays.copyOf(imageIndex, pairs)); // (Q)
        NDArray pairTokens = captionTokens.get(t); // (Q, L, Dt): already cut to the used columns
        NDArray pairIds = ids.get(t); // (Q, L)
        NDArray state = net.fuse(store, pairTokens, pairIds, imageTokens.get(v), true); // (Q, Dt)
        return FusionObjectives.matching(net.matchLogits(store, state, true), java.util.Arrays.copyOf(matches, pairs)); // ()
    }

    /**
     * The contrastive loss on FILIP's token-wise similarities: every patch of each picture against
     * every counted token of each caption (hard negatives included on the picture-to-text side).
     */
    private static NDArray filipContrastive(ClipModel net, ParameterStore store, int b, NDArray imageTokens, NDArray captionTokens,
            NDArray ids, NDArray logitFactor, NDArray imageToText, NDArray textToImage) {
        var text = net.config().text();
        NDArray patches = ClipModel.l2Normalize(net.projectPatches(store, imageTokens, true)); // (B, N, P)
        NDArray tokens = ClipModel.l2Normalize(net.projectTokens(store, captionTokens, true)); // (B + N', L, P)
        NDArray mask = FilipSimilarity.tokenMask(ids, text.bosId(), text.eosId()); // (B + N', L)
        NDList both = FilipSimilarity.similarities(patches, tokens, mask);
        NDArray textSide = both.get(1); // (B + N', B)
        NDArray ownTexts = textSide.getShape().get(0) == b ? textSide : textSide.get(":" + b); // (B, B)
        return ContrastiveLoss.fromSimilarities(both.get(0), ownTexts, logitFactor, imageToText, textToImage); // ()
    }

    /** Row r of a (B * Q) question block belongs to picture r / Q. */
    private static long[] ownerRows(int b, int q) {
        long[] owners = new long[b * q];
        for (int r = 0; r < owners.length; r++) {
            owners[r] = r / q;
        }
        return owners;
    }

    private static NDArray add(NDArray total, NDArray loss, double weight, Map<String, Double> parts, String name) {
        parts.put(name, (double) loss.getFloat());
        NDArray weighted = weight == 1.0 ? loss : loss.mul(ParamBlock.constant(loss, (float) weight)); // ()
        return total == null ? weighted : total.add(weighted);
    }
}
