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

    /**
     * Replaces the file with {@code entries}, in the properties format {@link #read} loads (UTF-8,
     * one {@code key=value} line each, sorted by key), written in one go and moved into place.
     */
    void write(Map<String, String> entries) {
        StringBuilder text = new StringBuilder(64 + 48 * entries.size());
        new TreeMap<>(entries).forEach((key, value) -> {
            escape(key, true, text);
            text.append('=');
            escape(value, false, text);
            text.append('\n');
        });
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp-" + Thread.currentThread().threadId());
        boolean moved = false;
        try {
            Files.write(temporary, text.toString().getBytes(StandardCharsets.UTF_8));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot write runtime state " + file + ": " + e.getMessage(), e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temporary);
                } catch (IOException e) {
                    // best effort: a stale temporary file is ignored by every reader
                }
            }
        }
    }

    /**
     * Escapes as {@link Properties#store(Writer, String)} does for a writer: backslash, the
     * separators {@code = :}, the comment marks {@code # !}, control characters, and spaces (in a
     * value only a leading one); other characters are kept (the file is UTF-8).
     */
    private static void escape(String text, boolean key, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\', '=', ':', '#', '!' -> out.append('\\').append(c);
                case ' ' -> {
                    if (key || i == 0) {
                        out.append('\\');
                    }
                    out.append(' ');
                }
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append("\\u").append(String.format("%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
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
