package io.openautoglm.cli;

/** How a command prints its result. */
public enum OutputFormat {
    text,
    json
}
