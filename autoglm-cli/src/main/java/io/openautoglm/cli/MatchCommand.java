package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import io.openautoglm.core.image.RgbImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "match", mixinStandardHelpOptions = true,
        description = "Image-text matching: the probability that a text describes an image exactly, from the fusion "
                + "encoder's matching head (the text reads the picture through cross-attention, so word order and "
                + "attribute binding count, unlike the dual encoder's cosine similarity).")
final class MatchCommand implements Callable<Integer> {
    @Mixin
    FusionModelOption model;

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "The picture.")
    Path image;

    @Option(names = "--text", required = true, paramLabel = "TEXT", description = "The text to check against it.")
    String text;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (text.isBlank()) {
            throw new UserInputException("--text is empty");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            RgbImage picture = m.imageLoader().load(image);
            float p = m.fusion().match(picture, text);
            if (format.json()) {
                ObjectNode root = Json.object();
                root.put("match", p);
                out.println(Json.compact(root));
            } else {
                out.printf(Locale.ROOT, "match %.4f  (%s)%n", p, p >= 0.5f ? "the text describes the image" : "it does not");
            }
        }
        out.flush();
        return 0;
    }
}
