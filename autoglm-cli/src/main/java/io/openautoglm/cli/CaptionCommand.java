package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.image.RgbImage;
import io.openautoglm.core.model.fusion.CaptionSearch;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "caption", mixinStandardHelpOptions = true,
        description = "Describe images with the model's caption decoder: greedy decoding (--beam 1, the default) or "
                + "beam search, where a finished caption scores its summed log-probability divided by "
                + "length^length-penalty.")
final class CaptionCommand implements Callable<Integer> {
    @Mixin
    FusionModelOption model;

    @Mixin
    CaptionSearchOption search;

    @Mixin
    FormatOption format;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Image files to describe.")
    List<Path> images;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CaptionSearch.Options options = search.options();
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(model.resolve())) {
            var fusion = m.fusion();
            List<RgbImage> decoded = new ArrayList<>();
            for (Path p : images) {
                decoded.add(m.imageLoader().load(p));
            }
            List<String> captions = fusion.caption(decoded, options);
            ObjectNode root = Json.object();
            ArrayNode rows = root.putArray("results");
            for (int i = 0; i < images.size(); i++) {
                rows.addObject().put("image", images.get(i).toString()).put("caption", captions.get(i));
            }
            if (format.json()) {
                out.println(Json.compact(root));
            } else {
                for (int i = 0; i < images.size(); i++) {
                    out.println(images.get(i) + ": " + captions.get(i));
                }
            }
        }
        out.flush();
        return 0;
    }
}
