package dev.concourse.runtime;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What the runtime keeps about a container or volume between JVMs: a Java properties file,
 * replaced atomically on every change so a crash leaves the old or the new content, never half.
 * Keys are namespaced by the caller ({@code property.}, {@code env.}...).
 */
final class StateFile {
    private final Path file;

    StateFile(Path file) {
        this.file = file;
    }

    Path path() {
        return file;
    }

    boolean exists() {
        return Files.isRegularFile(file);
    }

    /** The stored entries, sorted by key, or empty if the file does not exist. */
    Optional<Map<String, String>> read() {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot read runtime state " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> entries = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> entries.put(k, properties.getProperty(k)));
        return Optional.of(entries);
    }

    void write(Map<String, String> entries) {
        Properties properties = new Properties();
        properties.putAll(entries);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp-" + Thread.currentThread().threadId());
        try {
            try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
                properties.store(writer, null);
            }
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot write runtime state " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // best effort: a stale temporary file is ignored by every reader
            }
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot delete runtime state " + file + ": " + e.getMessage(), e);
        }
    }
}
