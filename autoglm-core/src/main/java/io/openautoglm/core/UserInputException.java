package io.openautoglm.core;

/**
 * A mistake in what the user gave us (a path, a file, an option, a request body), as opposed to a
 * bug. Its message is one line that says what was wrong and, where we can tell, what to do; the
 * CLI prints it alone and exits non-zero, the server answers 4xx with it.
 */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
