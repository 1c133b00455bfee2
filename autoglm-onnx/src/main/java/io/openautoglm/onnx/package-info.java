/**
 * ONNX for Open-AutoGLM: graphs written from Java (no Python), ONNX Runtime behind
 * {@link io.openautoglm.core.EmbeddingRuntime}, and int8 quantization that only ships behind an
 * accuracy gate. DJL-only users never pull this module.
 */
package io.openautoglm.onnx;
