package dev.concourse.internal.config.validate;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.ConfigFinding.Severity;
import dev.concourse.config.SourceLocation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects the findings of one validation run. */
final class Findings {
    private final List<ConfigFinding> list = new ArrayList<>();

    void error(String type, String path, SourceLocation location, String message) {
        list.add(new ConfigFinding(Severity.ERROR, type, path, location, message));
    }

    void warning(String type, String path, SourceLocation location, String message) {
        list.add(new ConfigFinding(Severity.WARNING, type, path, location, message));
    }

    void addAll(List<ConfigFinding> findings) {
        list.addAll(findings);
    }

    /** The findings in document order; findings at the same place keep the order they were found in. */
    List<ConfigFinding> inDocumentOrder() {
        List<ConfigFinding> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingInt((ConfigFinding f) -> f.location().line())
                .thenComparingInt(f -> f.location().column()));
        return List.copyOf(sorted);
    }

    List<ConfigFinding> asFound() {
        return List.copyOf(list);
    }

    /** Null-safe view of an optional string field: Go's zero value. */
    static String nz(String s) {
        return s == null ? "" : s;
    }
}
