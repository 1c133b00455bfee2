package io.openautoglm.bench;

import io.openautoglm.core.MultimodalModel;
import io.openautoglm.core.model.clip.PreprocessorConfig;
import java.nio.file.Path;

/**
 * Writes the benchmarks' ViT-B/32-shaped CLIP with random weights ({@link EmbeddingBenchmark#vitB32},
 * same seed) as a model folder: what {@code autoglm export onnx} and the size-on-disk column start from.
 *
 * <pre>java -cp ... io.openautoglm.bench.RandomModelFolder OUT_DIR [SEED] [TOKENIZER_JSON]</pre>
 */
public final class RandomModelFolder {
    private RandomModelFolder() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: RandomModelFolder OUT_DIR [SEED] [TOKENIZER_JSON]");
            System.exit(2);
        }
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 0;
        Path tokenizer = Path.of(args.length > 2 ? args[2] : "autoglm-core/src/test/resources/clip-parity/tiny-clip/hf/tokenizer.json");
        try (MultimodalModel m = MultimodalModel.randomlyInitialized(EmbeddingBenchmark.vitB32(), tokenizer,
                PreprocessorConfig.clipDefaults(224), seed, "vit-b-32-random")) {
            m.save(Path.of(args[0]), null);
        }
        System.out.println("wrote " + args[0]);
    }
}
