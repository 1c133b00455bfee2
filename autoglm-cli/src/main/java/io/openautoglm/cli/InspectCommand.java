package io.openautoglm.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.model.clip.ClipConfig;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Show a model folder: its layout, config, preprocessing, parameter counts per tower and provenance.",
            "The weights are loaded and checked against the config, so a folder that inspects cleanly also loads."})
final class InspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Model folder (ours, Hugging Face CLIPModel or ChineseCLIPModel, or OpenAI/open_clip).")
    Path dir;

    @Mixin
    FormatOption format;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (MultimodalModel m = MultimodalModel.load(dir)) {
            Map<String, Long> counts = m.parameterCounts();
            ObjectNode root = Json.object();
            root.put("path", dir.toString());
            root.put("layout", m.layout().name());
            root.put("layout_description", m.layout().description());
            root.put("backend", m.runtime().name());
            root.set("config", m.config().toJson());
            root.set("preprocessor", m.preprocessor().toJson());
            ObjectNode params = root.putObject("parameters");
            for (String k : new String[] {"vision", "text", "projections", "fusion", "total"}) {
                params.put(k, counts.get(k));
            }
            root.put("logit_scale", m.logitScale());
            root.set("provenance", m.provenance());
            if (format.json()) {
                out.println(Json.pretty(root));
            } else {
                ClipConfig c = m.config();
                ClipConfig.VisionConfig v = c.vision();
                ClipConfig.TextConfig t = c.text();
                PreprocessorConfig p = m.preprocessor();
                out.printf("model       %s%n", dir);
                out.printf("layout      %s%n", m.layout().description());
                out.printf("backend     %s%n", m.runtime().name());
                out.printf("vision      ViT %d px, patch %d, width %d, %d layers, %d heads, mlp %d, %s%n",
                        v.imageSize(), v.patchSize(), v.width(), v.layers(), v.heads(), v.mlpSize(), v.activation().key());
                out.printf("text        %s, vocab %d, context %d, width %d, %d layers, %d heads, mlp %d, %s%n",
                        t.isBert() ? "BERT" : "CLIP", t.vocabSize(), t.contextLength(), t.width(), t.layers(), t.heads(), t.mlpSize(),
                        t.activation().key());
                out.printf("embedding   %d dimensions, logit scale %.4f%n", c.projectionDim(), m.logitScale());
                out.printf("preprocess  %d px, %s, resize %s, mean %s, std %s%n", p.imageSize(), p.interpolation(),
                        p.resizeMode(), Arrays.toString(p.mean()), Arrays.toString(p.std()));
                if (c.fusion() != null) {
                    out.printf("fusion      %d fusion layers, %d decoder layers, %d heads, mlp %d, %d answers%n", c.fusion().layers(),
                            c.fusion().decoderLayers(), c.fusion().heads(), c.fusion().mlpSize(), c.fusion().answers().size());
                }
                out.printf("parameters  vision %,d  text %,d  projections %,d  fusion %,d  total %,d%n",
                        counts.get("vision"), counts.get("text"), counts.get("projections"), counts.get("fusion"), counts.get("total"));
                out.printf("provenance  %s%n", m.provenance().isEmpty() ? "(none recorded)" : Json.compact(m.provenance()));
            }
        }
        out.flush();
        return 0;
    }
}
