package io.openautoglm.cli;

import java.nio.file.Path;

/** The core module's reference fixture, read in place. */
final class CliFixture {
    static final Path ROOT = Path.of("../autoglm-core/src/test/resources/clip-parity/tiny-clip").toAbsolutePath().normalize();
    static final Path HF = ROOT.resolve("hf");
    static final Path OPENAI = ROOT.resolve("openai");
    static final Path PIC0 = ROOT.resolve("images/pic0_32x32_RGB.png");
    static final Path PIC2 = ROOT.resolve("images/pic2_45x130_L.png");

    private CliFixture() {}
}
