package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.FusionInference;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.UserInputException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "vqa", mixinStandardHelpOptions = true,
        description = "Visual question answering: the answer to a question about an image, chosen from the answer "
                + "vocabulary the model was trained with, with its probability and the runners-up.")
final class VqaCommand implements Callable<Integer> {
    @Mixin
    FusionModelOption model;

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "The picture.")
    Path image;

    @Option(names = {"-q", "--question"}, required = true, paramLabel = "QUESTION",
            description = "The question, e.g. \"what color is the circle?\".")
    String question;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (question.isBlank()) {
            throw new UserInputException("--question is empty");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            FusionInference.Answer a = m.fusion().answer(m.imageLoader().load(image), question);
            if (format.json()) {
                ObjectNode root = Json.object();
                root.put("answer", a.answer());
                root.put("score", a.score());
                ArrayNode top = root.putArray("top");
                a.top().forEach(ls -> top.addObject().put("answer", ls.label()).put("score", ls.score()));
                out.println(Json.compact(root));
            } else {
                out.printf(Locale.ROOT, "%s  (%.1f%%)%n", a.answer(), 100 * a.score());
                a.top().stream().skip(1).forEach(ls -> out.printf(Locale.ROOT, "  then %-16s %5.1f%%%n", ls.label(), 100 * ls.score()));
            }
        }
        out.flush();
        return 0;
    }
}
