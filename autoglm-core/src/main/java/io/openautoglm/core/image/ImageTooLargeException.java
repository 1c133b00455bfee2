package io.openautoglm.core.image;

import io.openautoglm.core.UserInputException;

/** A picture whose header claims more pixels than the loader's limit (the server answers 413). */
public final class ImageTooLargeException extends UserInputException {
    public ImageTooLargeException(String message) {
        super(message);
    }
}
