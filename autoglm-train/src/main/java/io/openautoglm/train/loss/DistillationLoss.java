package io.openautoglm.train.loss;

import ai.djl.ndarray.NDArray;
import io.openautoglm.core.model.clip.ClipModel;
import io.openautoglm.core.nn.ParamBlock;

/**
 * Knowledge distillation of a dual encoder (Hinton et al. 2015, applied to the batch's
 * image-text similarities): in both directions, the KL divergence from the teacher's softmax over
 * the batch to the student's, each model's cosine similarities scaled by the teacher's inverse
 * temperature exp(logit_scale) and divided by the distillation temperature T, times T squared
 * (so the gradient's size does not shrink as T grows). The student's own learned temperature is
 * left to its contrastive loss.
 */
public final class DistillationLoss {
    private DistillationLoss() {}

    /**
     * @param imageEmbeds (B, P) the student's, not normalized
     * @param textEmbeds (B, P) the student's own captions, not normalized
     * @param teacherCosines (B, B) the teacher's cosine similarities of the same pictures and captions (no gradient)
     * @param teacherFactor the teacher's exp(logit_scale)
     * @param temperature T
     * @return () T^2 times the mean of the two directions' KL divergences
     */
    public static NDArray loss(NDArray imageEmbeds, NDArray textEmbeds, NDArray teacherCosines, float teacherFactor, double temperature) {
        float scale = (float) (teacherFactor / temperature);
        NDArray student = ClipModel.l2Normalize(imageEmbeds).matMul(ClipModel.l2Normalize(textEmbeds).transpose())
                .mul(ParamBlock.constant(imageEmbeds, scale)); // (B, B)
        NDArray teacher = teacherCosines.mul(ParamBlock.constant(teacherCosines, scale)); // (B, B)
        NDArray imageKl = kl(teacher, student); // ()
        NDArray textKl = kl(teacher.transpose(), student.transpose()); // ()
        return imageKl.add(textKl).mul(ParamBlock.constant(student, (float) (0.5 * temperature * temperature))); // ()
    }

    /** Mean over rows of KL(softmax(teacher) || softmax(student)). (R, C), (R, C) -> () */
    private static NDArray kl(NDArray teacherLogits, NDArray studentLogits) {
        NDArray logP = teacherLogits.logSoftmax(1); // (R, C)
        return logP.exp().mul(logP.sub(studentLogits.logSoftmax(1))).sum(new int[] {1}).mean(); // ()
    }
}
