package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.Map;

/**
 * A pipeline-level credential manager ({@code var_sources}).
 *
 * @param name   referenced as {@code ((name:path))}
 * @param type   the manager type, such as {@code dummy} or {@code vault}
 * @param config the manager's settings, opaque here
 */
public record VarSourceConfig(String name, String type, Map<String, Object> config) {
    public VarSourceConfig {
        config = Frozen.map(config);
    }
}
