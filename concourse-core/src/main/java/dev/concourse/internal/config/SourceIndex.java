package dev.concourse.internal.config;

import dev.concourse.config.SourceLocation;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Where each part of a bound config was written. Keys are the model objects themselves (by
 * identity, so two equal steps in different places keep their own locations), optionally with a
 * field key such as {@code "passed"} or {@code "passed[1]"}.
 *
 * <p>A model that did not come from a file (built in code, or after a JSON round trip without
 * positions) has an index that knows nothing; every lookup then falls back to the file itself.
 */
public final class SourceIndex {
    private final String file;
    private final Map<Object, Entry> entries = new IdentityHashMap<>();

    private static final class Entry {
        SourceLocation self;
        final Map<String, SourceLocation> fields = new HashMap<>();
    }

    public SourceIndex(String file) {
        this.file = file;
    }

    /** An index for a model that has no source positions. */
    public static SourceIndex empty(String file) {
        return new SourceIndex(file);
    }

    /** The source name given to the loader. */
    public String file() {
        return file;
    }

    public void put(Object owner, SourceLocation location) {
        if (owner != null && location != null) {
            entries.computeIfAbsent(owner, o -> new Entry()).self = location;
        }
    }

    public void put(Object owner, String field, SourceLocation location) {
        if (owner != null && location != null) {
            entries.computeIfAbsent(owner, o -> new Entry()).fields.put(field, location);
        }
    }

    /** Where {@code owner} was written, or the file when unknown. */
    public SourceLocation locate(Object owner) {
        Entry entry = owner == null ? null : entries.get(owner);
        if (entry != null && entry.self != null) {
            return entry.self;
        }
        return SourceLocation.ofFile(file);
    }

    /**
     * Where the value of {@code field} of {@code owner} was written; falls back to the field
     * without an index ({@code passed[1]} to {@code passed}), then to the owner, then to the file.
     */
    public SourceLocation locate(Object owner, String field) {
        Entry entry = owner == null ? null : entries.get(owner);
        if (entry != null) {
            SourceLocation exact = entry.fields.get(field);
            if (exact != null) {
                return exact;
            }
            int bracket = field.indexOf('[');
            if (bracket > 0) {
                SourceLocation whole = entry.fields.get(field.substring(0, bracket));
                if (whole != null) {
                    return whole;
                }
            }
        }
        return locate(owner);
    }
}
