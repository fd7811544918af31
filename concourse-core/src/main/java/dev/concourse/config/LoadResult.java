package dev.concourse.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What loading a config produced: the model (unless the text could not be read at all) and every
 * finding, errors and warnings, in document order.
 *
 * @param <T> {@link PipelineConfig} or {@link TaskConfig}
 */
public final class LoadResult<T> {
    private final String source;
    private final T config;
    private final List<ConfigFinding> findings;

    LoadResult(String source, T config, List<ConfigFinding> findings) {
        this.source = Objects.requireNonNull(source, "source");
        this.config = config;
        this.findings = List.copyOf(findings);
    }

    /** The file name or label the config was loaded from. */
    public String source() {
        return source;
    }

    /**
     * The model. Present whenever the text was well-formed, even if validation found errors (so
     * tools can still show it); use {@link #orThrow()} to get only a valid config.
     */
    public Optional<T> config() {
        return Optional.ofNullable(config);
    }

    /** Every finding in document order. */
    public List<ConfigFinding> findings() {
        return findings;
    }

    public List<ConfigFinding> errors() {
        return findings.stream().filter(ConfigFinding::isError).toList();
    }

    public List<ConfigFinding> warnings() {
        return findings.stream().filter(f -> !f.isError()).toList();
    }

    /** True when there is a model and no error. */
    public boolean isValid() {
        return config != null && errors().isEmpty();
    }

    /** Like {@link #isValid()}, and with {@code strict} no warning either. */
    public boolean isValid(boolean strict) {
        return isValid() && (!strict || findings.isEmpty());
    }

    /**
     * The config if it is valid.
     *
     * @throws ConfigException listing every finding when there is an error
     */
    public T orThrow() {
        if (!isValid()) {
            throw new ConfigException(source + " is not a valid config", findings);
        }
        return config;
    }
}
