package dev.concourse.config;

import java.util.Objects;

/**
 * Where something was written: a file (or another source name) and a 1-based line and column.
 *
 * @param file   the file name or source label given to the loader, never null
 * @param line   1-based line, or 0 when unknown
 * @param column 1-based column, or 0 when unknown
 */
public record SourceLocation(String file, int line, int column) {

    public SourceLocation {
        Objects.requireNonNull(file, "file");
    }

    /** A location that names only the source, for findings about the document as a whole. */
    public static SourceLocation ofFile(String file) {
        return new SourceLocation(file, 0, 0);
    }

    /** Whether line and column are known. */
    public boolean hasPosition() {
        return line > 0;
    }

    /** {@code file:line:column}, or just {@code file} when the position is unknown. */
    @Override
    public String toString() {
        return hasPosition() ? file + ":" + line + ":" + column : file;
    }
}
