package io.openautoglm.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import io.openautoglm.onnx.runtime.OnnxSessions;
import org.junit.jupiter.api.Test;

/** The ONNX Runtime natives load offline from the jar on the class path. */
class OnnxRuntimeLoadsTest {
    @Test
    void environmentStartsWithTheCpuProvider() {
        OrtEnvironment env = OnnxSessions.environment();
        assertThat(OrtEnvironment.getAvailableProviders().toString()).contains("CPU");
        assertThat(env).isNotNull();
    }
}
