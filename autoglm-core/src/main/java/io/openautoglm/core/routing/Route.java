package io.openautoglm.core.routing;

/** Which model answered a routed request: the light student, or the heavy teacher it deferred to. */
public enum Route {
    STUDENT, TEACHER;

    /** {@code student} / {@code teacher}: the value in JSON output and the metrics tag. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
