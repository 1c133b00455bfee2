package io.openautoglm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Core's layers run one way: nn <- model.fusion <- model.clip <- the facade (MultimodalModel and its
 * helpers). Reads the sources, so an import or a fully qualified name that points back up fails here.
 */
class PackageLayeringTest {
    private static final Path CORE = Path.of("src/main/java/io/openautoglm/core");

    @Test
    void nnKnowsNoModel() throws IOException {
        assertThat(offenders(CORE.resolve("nn"), "io\\.openautoglm\\.core\\.model\\.")).isEmpty();
    }

    @Test
    void fusionKnowsNoClip() throws IOException {
        assertThat(offenders(CORE.resolve("model/fusion"), "io\\.openautoglm\\.core\\.model\\.clip|\\bClipConfig\\b"))
                .isEmpty();
    }

    @Test
    void bertKnowsNoClip() throws IOException {
        assertThat(offenders(CORE.resolve("model/bert"), "io\\.openautoglm\\.core\\.model\\.clip|\\bClipConfig\\b")).isEmpty();
    }

    @Test
    void fusionInferenceKnowsNoFacade() throws IOException {
        assertThat(offenders(CORE.resolve("FusionInference.java"), "\\bMultimodalModel\\b")).isEmpty();
    }

    @Test
    void belowTheFacadeOnlyTheRootsLeafTypesAreUsed() throws IOException {
        // The root package is the facade plus a few leaf types every layer may throw or return; the
        // facade's classes (MultimodalModel, FusionInference, zero-shot, the runtime) stay above.
        String facade = "\\b(MultimodalModel|FusionInference|ZeroShotClassifier|EmbeddingRuntime|DjlEmbeddingRuntime)\\b";
        for (String lower : List.of("nn", "model", "image", "checkpoint", "data", "io")) {
            assertThat(offenders(CORE.resolve(lower), facade)).as(lower).isEmpty();
        }
    }

    @Test
    void theScanSeesAForbiddenReference() throws IOException {
        // Guards the guard: the facade does name model.clip, so a scan of it must report it.
        assertThat(offenders(CORE.resolve("MultimodalModel.java"), "io\\.openautoglm\\.core\\.model\\.clip")).isNotEmpty();
    }

    /** "file:line: text" for every line under {@code root} (a folder or one file) matching {@code forbidden}. */
    private static List<String> offenders(Path root, String forbidden) throws IOException {
        assertThat(root).exists();
        Pattern pattern = Pattern.compile(forbidden);
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    if (pattern.matcher(lines.get(i)).find()) {
                        found.add(file.getFileName() + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        return found;
    }
}
