package io.openautoglm.train;

import io.openautoglm.train.config.TrainConfig;
import io.openautoglm.train.config.TrainConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Configs for training tests: a 2-layer model on 32-pixel images, fixed seed. */
public final class TinyRuns {
    private TinyRuns() {}

    public static TrainConfig config(Path train, Path val, Path out, int steps, String... extra) {
        List<String> sets = new ArrayList<>(List.of(
                "data.train=" + train,
                "data.loader_threads=1",
                "data.random_resized_crop=false",
                "model.image_size=32",
                "model.context_length=8",
                "optim.steps=" + steps,
                "optim.batch_size=16",
                "optim.lr=0.001",
                "optim.warmup_steps=1",
                "optim.weight_decay=0.01",
                "run.out=" + out,
                "run.eval_every=0",
                "run.checkpoint_every=0",
                "run.log_every=1"));
        if (val != null) {
            sets.add("data.val=" + val);
        }
        sets.addAll(List.of(extra));
        return TrainConfigLoader.load(null, sets);
    }
}
