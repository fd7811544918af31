package dev.concourse.internal.config.yaml;

import dev.concourse.config.SourceLocation;

/**
 * A parsed YAML (or JSON) value that remembers where it was written. Aliases share nodes, so a
 * tree may be a DAG; {@link #weight()} counts nodes as if aliases were expanded, which is what
 * bounds the work of walking it.
 */
public sealed interface YamlNode permits YamlMap, YamlList, YamlScalar {

    SourceLocation location();

    /** Nodes in this subtree with aliases expanded (saturating). */
    long weight();

    /** A short description of the kind of value, for messages: "a mapping", "a list", "a string", "a number"... */
    String kind();

    /** This node as plain Java values: LinkedHashMap, ArrayList, String, Long, BigInteger, Double, Boolean, null. */
    Object toPlain();
}
