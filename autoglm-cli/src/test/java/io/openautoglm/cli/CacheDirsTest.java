package io.openautoglm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AUTOGLM_CACHE_DIR moves both caches; without it they follow $HOME, not Java's user.home. */
class CacheDirsTest {
    @Test
    void followHomeNotUserHome() {
        CacheDirs dirs = new CacheDirs(Map.of("HOME", "/home/alice"), "/root");
        assertThat(dirs.root()).isEqualTo(Path.of("/home/alice/.cache/autoglm"));
        assertThat(dirs.djl()).isEqualTo(Path.of("/home/alice/.djl.ai"));
    }

    @Test
    void variableMovesBoth() {
        CacheDirs dirs = new CacheDirs(Map.of("HOME", "/home/alice", CacheDirs.VARIABLE, "/data/autoglm"), "/root");
        assertThat(dirs.root()).isEqualTo(Path.of("/data/autoglm"));
        assertThat(dirs.djl()).isEqualTo(Path.of("/data/autoglm/djl.ai"));
    }

    @Test
    void withoutHomeUserHomeIsTheFallback() {
        CacheDirs dirs = new CacheDirs(Map.of("HOME", " "), "/root");
        assertThat(dirs.root()).isEqualTo(Path.of("/root/.cache/autoglm"));
        assertThat(dirs.djl()).isEqualTo(Path.of("/root/.djl.ai"));
    }
}
