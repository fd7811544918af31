package dev.concourse.config;

import dev.concourse.ConcourseException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A pipeline or task config that cannot be used. Carries every finding, errors and warnings,
 * so a caller can show them all at once.
 */
public class ConfigException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    private final transient List<ConfigFinding> findings;

    public ConfigException(String summary, List<ConfigFinding> findings) {
        super(summary + render(findings));
        this.findings = List.copyOf(findings);
    }

    /** Every finding, in document order; at least one of them is an error. */
    public List<ConfigFinding> findings() {
        return findings;
    }

    /** Only the errors. */
    public List<ConfigFinding> errors() {
        return findings.stream().filter(ConfigFinding::isError).toList();
    }

    private static String render(List<ConfigFinding> findings) {
        if (findings.isEmpty()) {
            return "";
        }
        return findings.stream().map(f -> "  " + f).collect(Collectors.joining("\n", ":\n", ""));
    }
}
