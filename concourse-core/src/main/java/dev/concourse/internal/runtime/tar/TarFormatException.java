package dev.concourse.internal.runtime.tar;

import java.io.IOException;

/** A tar stream that is not a well-formed archive, or holds what we refuse to extract. */
final class TarFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    TarFormatException(String message) {
        super(message);
    }

    TarFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
