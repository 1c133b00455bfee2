package io.openautoglm.core;

import ai.djl.engine.Engine;

/**
 * The PyTorch engine, loaded offline from the native jar on the classpath. Nothing is ever
 * downloaded at run time: {@code ai.djl.offline} is forced on unless the user set it.
 */
public final class TorchRuntime {
    public static final String ENGINE = "PyTorch";

    private TorchRuntime() {}

    public static Engine engine() {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            return Engine.getEngine(ENGINE);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new IllegalStateException("could not load the PyTorch native library (" + root.getMessage()
                    + "): put ai.djl.pytorch:pytorch-native-cpu (classifier linux-x86_64, version matching pytorch-jni) "
                    + "on the classpath, and check that ~/.djl.ai is writable (natives are unpacked there)", e);
        }
    }

    /** Seeds PyTorch's generator, so random initialization is reproducible. */
    public static void seed(long seed) {
        engine().setRandomSeed((int) seed);
    }
}
