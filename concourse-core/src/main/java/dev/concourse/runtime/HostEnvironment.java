package dev.concourse.runtime;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The part of the JVM's environment every local process gets, below the container's and the
 * process's own variables.
 */
final class HostEnvironment {
    /** Enough for shells and common tools to work; nothing that carries the JVM's own settings. */
    static final List<String> DEFAULT_NAMES = List.of("PATH", "HOME", "USER", "LOGNAME", "SHELL", "TMPDIR", "LANG",
            "LC_ALL", "LC_CTYPE", "TZ", "SystemRoot", "SystemDrive", "ComSpec", "PATHEXT", "windir", "TEMP", "TMP",
            "USERPROFILE");
    /** Concourse's default for containers, used when the JVM has no PATH. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Map<String, String> inherited;

    HostEnvironment(List<String> names, Map<String, String> host) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            String value = host.get(name);
            if (value != null) {
                values.put(name, value);
            }
        }
        if (names.contains("PATH")) {
            values.putIfAbsent("PATH", DEFAULT_PATH);
        }
        this.inherited = Map.copyOf(values);
    }

    /** Inherited variables, then the container's, then the process's: later ones win. */
    Map<String, String> forProcess(Map<String, String> container, Map<String, String> process) {
        Map<String, String> env = new LinkedHashMap<>(inherited);
        env.putAll(container);
        env.putAll(process);
        return env;
    }
}
