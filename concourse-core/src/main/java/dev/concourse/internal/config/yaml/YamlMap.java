package dev.concourse.internal.config.yaml;

import dev.concourse.config.SourceLocation;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A mapping with string keys, in the order written (merge keys already applied). */
public final class YamlMap implements YamlNode {

    /**
     * One key and its value.
     *
     * @param key         the key as a string
     * @param keyLocation where the key was written
     * @param value       the value
     */
    public record Entry(String key, SourceLocation keyLocation, YamlNode value) {
    }

    private final Map<String, Entry> entries;
    private final SourceLocation location;
    private final long weight;

    public YamlMap(List<Entry> entries, SourceLocation location, long weight) {
        LinkedHashMap<String, Entry> byKey = new LinkedHashMap<>();
        for (Entry e : entries) {
            byKey.put(e.key(), e);
        }
        this.entries = Collections.unmodifiableMap(byKey);
        this.location = location;
        this.weight = weight;
    }

    /** The entries in document order. */
    public java.util.Collection<Entry> entries() {
        return entries.values();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The entry for a key, or null. */
    public Entry entry(String key) {
        return entries.get(key);
    }

    /** The value for a key, or null when the key is absent. */
    public YamlNode get(String key) {
        Entry e = entries.get(key);
        return e == null ? null : e.value();
    }

    public int size() {
        return entries.size();
    }

    @Override
    public SourceLocation location() {
        return location;
    }

    @Override
    public long weight() {
        return weight;
    }

    @Override
    public String kind() {
        return "a mapping";
    }

    @Override
    public Object toPlain() {
        Map<String, Object> plain = new LinkedHashMap<>();
        for (Entry e : entries.values()) {
            plain.put(e.key(), e.value().toPlain());
        }
        return plain;
    }
}
