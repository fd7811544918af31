package dev.concourse.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Golden files of build step trees: {@code <directory>/<owner>/<name>.txt}. With the system property
 * {@value #UPDATE_PROPERTY}{@code =true} a comparison writes the file instead (and passes); without
 * it a missing or different file fails, saying how to update it.
 */
final class Snapshots {
    /** The system property that turns comparing into writing. */
    static final String UPDATE_PROPERTY = "concourse.snapshots.update";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+");

    private final Path directory;
    private final boolean update;

    Snapshots(Path directory, boolean update) {
        this.directory = directory;
        this.update = update;
    }

    static Snapshots fromSystemProperties(Path directory) {
        return new Snapshots(directory, Boolean.parseBoolean(System.getProperty(UPDATE_PROPERTY, "false")));
    }

    Path directory() {
        return directory;
    }

    /**
     * Compares {@code actual} with the snapshot {@code name}.
     *
     * @return null when it matches (or was written), else why not
     */
    String compare(String name, String actual) {
        if (!SAFE.matcher(name).matches()) {
            throw new IllegalArgumentException("snapshot name '" + name + "' may hold only letters, digits, '.', '_'"
                    + " and '-'");
        }
        Path file = directory.resolve(name + ".txt");
        try {
            if (update) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, actual, StandardCharsets.UTF_8);
                return null;
            }
            if (!Files.exists(file)) {
                return "no snapshot " + file + " yet; run the test with -D" + UPDATE_PROPERTY + "=true to write it,"
                        + " check it, and commit it. The step tree now:\n" + actual;
            }
            String expected = Files.readString(file, StandardCharsets.UTF_8);
            if (expected.equals(actual)) {
                return null;
            }
            return "the step tree differs from snapshot " + file + "; if the change is intended, run the test with -D"
                    + UPDATE_PROPERTY + "=true and commit the file.\nexpected:\n" + expected + "\nactual:\n" + actual;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write snapshot " + file + ": " + e.getMessage(), e);
        }
    }
}
