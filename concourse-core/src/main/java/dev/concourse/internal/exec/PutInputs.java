package dev.concourse.internal.exec;

import dev.concourse.config.InputsConfig;
import dev.concourse.spi.runtime.Volume;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The artifacts a {@code put} sees under {@code /tmp/build/put}, as Concourse picks them
 * ({@code atc/exec/put_inputs.go}): {@code inputs: all}, every artifact of the build;
 * {@code inputs: [a, b]}, exactly those (a missing one is an error); {@code inputs: detect} (the
 * default), the artifacts named by the params: every string value anywhere in the params, nested
 * maps and lists too, counts by its first path segment that is not {@code .} or {@code ..}
 * ({@code repo/version.txt} names {@code repo}), and names that are no artifact are ignored.
 * Params are read as configured, before vars are resolved, as in Concourse.
 */
final class PutInputs {

    private PutInputs() {
    }

    /**
     * The artifacts by name, in the order named (detect, specified) or registered (all).
     *
     * @throws StepFailure naming the missing artifact of a specified list
     */
    static Map<String, Volume> find(InputsConfig inputs, Map<String, Object> params, ArtifactRepository artifacts,
            String label) {
        InputsConfig mode = inputs == null ? InputsConfig.DETECT : inputs;
        Map<String, Volume> found = new LinkedHashMap<>();
        switch (mode.mode()) {
            case ALL -> found.putAll(artifacts.snapshot());
            case SPECIFIED -> {
                for (String name : mode.specified()) {
                    Volume volume = artifacts.find(name).orElseThrow(() -> new StepFailure(label
                            + ": input not found: " + name + "; the put's inputs name artifacts of the build (from a "
                            + "get step, or a task output) that exist before it runs"));
                    found.put(name, volume);
                }
            }
            case DETECT -> {
                for (String name : detect(params)) {
                    artifacts.find(name).ifPresent(volume -> found.putIfAbsent(name, volume));
                }
            }
        }
        return found;
    }

    /** Concourse's {@code detectInputsFromParam}: candidate artifact names in the params. */
    static List<String> detect(Object value) {
        List<String> names = new ArrayList<>();
        collect(value, names);
        return names;
    }

    private static void collect(Object value, List<String> names) {
        switch (value) {
            case String text -> {
                String name = text;
                String[] parts = text.split("/", -1);
                if (parts.length > 1) {
                    for (String part : parts) {
                        if (part.equals(".") || part.equals("..")) {
                            continue;
                        }
                        name = part;
                        break;
                    }
                }
                names.add(name);
            }
            case Map<?, ?> map -> map.values().forEach(v -> collect(v, names));
            case List<?> list -> list.forEach(v -> collect(v, names));
            case null, default -> {
                // numbers, booleans and nulls name nothing
            }
        }
    }
}
