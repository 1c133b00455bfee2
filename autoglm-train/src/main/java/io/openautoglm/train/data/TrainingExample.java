package io.openautoglm.train.data;

import io.openautoglm.core.data.QuestionAnswer;
import java.nio.file.Path;
import java.util.List;

/**
 * One image with its captions; {@code positiveKey} groups examples that count as matches for each
 * other (a shared label), or is null to match by caption text. {@code hardNegatives} are false
 * captions for this image (empty unless training uses them); {@code questions} are its questions
 * with their answers (empty unless training answers questions); {@code tags} are what the picture
 * shows, for the image-tag head (empty unless training uses it); {@code objects} are the objects of its
 * scene, for the grounding loss (empty unless training uses it).
 */
public record TrainingExample(int lineNumber, Path image, List<String> captions, String positiveKey, List<String> hardNegatives,
        List<QuestionAnswer> questions, List<String> tags, List<ObjectGrounding.SceneObject> objects) {}
