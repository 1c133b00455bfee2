package io.openautoglm.graph.data;

import java.nio.file.Path;
import java.util.List;

/** Embeds node pictures and texts into one space (a CLIP model from {@code --model}). */
public interface NodeEncoder {
    float[][] embedImageFiles(List<Path> files);

    float[][] embedTexts(List<String> texts);
}
