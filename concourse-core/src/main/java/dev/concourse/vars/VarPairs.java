package dev.concourse.vars;

import dev.concourse.internal.vars.GoYaml;
import dev.concourse.internal.vars.GoYamlException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Parsing of fly's {@code name=value} var flags, and the flattening fly applies to instance vars. */
final class VarPairs {

    /** One flag: where the value goes and the value. */
    record Pair(VarRef ref, Object value) {
    }

    private VarPairs() {
    }

    /** {@code -v name=value}: the value is always a string. */
    static Pair stringPair(String flag) {
        int eq = flag.indexOf('=');
        if (eq < 0) {
            throw InvalidVarFlagException.notAPair(flag);
        }
        return new Pair(name(flag, flag.substring(0, eq)), flag.substring(eq + 1));
    }

    /** {@code -y name=yaml} and {@code -i name=yaml}: the value is YAML, numbers kept as written. */
    static Pair yamlPair(String flag) {
        int eq = flag.indexOf('=');
        if (eq < 0) {
            throw InvalidVarFlagException.notAPair(flag);
        }
        VarRef ref = name(flag, flag.substring(0, eq));
        try {
            return new Pair(ref, GoYaml.parse("var flag", flag.substring(eq + 1), true));
        } catch (GoYamlException e) {
            throw InvalidVarFlagException.badYaml(flag, e.problem(), e);
        }
    }

    private static VarRef name(String flag, String name) {
        try {
            return VarRef.parse(name);
        } catch (InvalidVarRefException e) {
            throw InvalidVarFlagException.badName(flag, e);
        }
    }

    /**
     * One pair per leaf of the vars, as Concourse's {@code StaticVariables.Flatten}: maps are
     * descended into (an empty map yields nothing), anything else is a leaf.
     */
    static List<Pair> flatten(Map<String, Object> vars) {
        List<Pair> pairs = new ArrayList<>();
        vars.forEach((name, value) -> flatten(name, List.of(), value, pairs));
        return pairs;
    }

    private static void flatten(String path, List<String> fields, Object value, List<Pair> out) {
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, child) -> {
                if (key instanceof String field) {
                    List<String> deeper = new ArrayList<>(fields);
                    deeper.add(field);
                    flatten(path, deeper, child, out);
                }
            });
            return;
        }
        out.add(new Pair(new VarRef(null, path, fields), value));
    }
}
