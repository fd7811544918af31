package dev.concourse.internal.vars;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Reads YAML the way fly reads vars files ({@code -l}) and YAML var flags ({@code -y}, {@code -i}):
 * go-yaml v2 typing (YAML 1.1) followed by a conversion to JSON-compatible values, so map keys
 * become strings and NaN/infinity are rejected. Only the first document is read; merge keys
 * ({@code <<}) are honoured.
 *
 * <p>Result values: null, String, Boolean, Long, BigInteger, Double (or, with
 * {@code jsonNumbers}, a {@link java.math.BigDecimal} holding the number as Go's JSON encoder
 * writes it, like fly's {@code json.Number}), unmodifiable insertion-ordered
 * {@code Map<String, Object>} and {@code List<Object>}.
 */
public final class GoYaml {

    /** Marks plain scalars so they are typed here rather than by a YAML 1.2 schema. */
    private static final Tag PLAIN = new Tag("tag:concourse.dev,2025:go-yaml-plain");
    private static final ScalarResolver RESOLVER = (value, implicit) -> implicit ? PLAIN : Tag.STR;
    private static final Schema SCHEMA = new Schema() {
        @Override
        public ScalarResolver getScalarResolver() {
            return RESOLVER;
        }

        @Override
        public Map<Tag, ConstructNode> getSchemaTagConstructors() {
            return Map.of();
        }
    };

    private final boolean jsonNumbers;

    private GoYaml(boolean jsonNumbers) {
        this.jsonNumbers = jsonNumbers;
    }

    /**
     * Parses the first YAML document of {@code text}.
     *
     * @param sourceName  named in positions of syntax errors
     * @param text        the YAML text
     * @param jsonNumbers whether floats become {@link java.math.BigDecimal} (fly's YAML flags)
     *                    instead of Double (fly's vars files)
     * @return the value, null for an empty document
     * @throws GoYamlException when the text is not YAML or holds a value JSON cannot carry
     */
    public static Object parse(String sourceName, String text, boolean jsonNumbers) {
        LoadSettings settings = LoadSettings.builder().setLabel(sourceName).setSchema(SCHEMA).build();
        Node root;
        try {
            Iterator<Node> documents = new Compose(settings).composeAllFromString(text).iterator();
            root = documents.hasNext() ? documents.next() : null;
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            String at = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
            throw new GoYamlException(problem + at, e);
        } catch (YamlEngineException e) {
            throw new GoYamlException(e.getMessage(), e);
        }
        return root == null ? null : new GoYaml(jsonNumbers).value(root);
    }

    private Object value(Node node) {
        if (node.isRecursive()) {
            throw new GoYamlException("a value refers to itself through an alias" + where(node), null);
        }
        if (node instanceof ScalarNode scalar) {
            return scalar(scalar);
        }
        if (node instanceof SequenceNode sequence) {
            List<Object> list = new ArrayList<>(sequence.getValue().size());
            for (Node item : sequence.getValue()) {
                list.add(value(item));
            }
            return Collections.unmodifiableList(list);
        }
        Map<String, Object> map = new LinkedHashMap<>();
        mergeInto(map, (MappingNode) node);
        return Collections.unmodifiableMap(map);
    }

    private void mergeInto(Map<String, Object> map, MappingNode mapping) {
        for (NodeTuple entry : mapping.getValue()) {
            Node key = entry.getKeyNode();
            if (isMergeKey(key)) {
                merge(map, entry.getValueNode());
            } else {
                map.put(keyText(key, value(key)), value(entry.getValueNode()));
            }
        }
    }

    private void merge(Map<String, Object> map, Node from) {
        if (from instanceof MappingNode mapping) {
            mergeInto(map, mapping);
            return;
        }
        if (from instanceof SequenceNode sequence) {
            // Earlier maps take precedence, as in go-yaml v2.
            List<Node> items = sequence.getValue();
            for (int i = items.size() - 1; i >= 0; i--) {
                if (!(items.get(i) instanceof MappingNode mapping)) {
                    throw new GoYamlException("map merge requires map or sequence of maps as the value"
                            + where(items.get(i)), null);
                }
                mergeInto(map, mapping);
            }
            return;
        }
        throw new GoYamlException("map merge requires map or sequence of maps as the value" + where(from), null);
    }

    private static boolean isMergeKey(Node key) {
        return key instanceof ScalarNode s && s.getValue().equals("<<")
                && (s.getTag().equals(PLAIN) || s.getTag().equals(Tag.MERGE));
    }

    private Object scalar(ScalarNode node) {
        Tag tag = node.getTag();
        String text = node.getValue();
        Object value;
        if (tag.equals(PLAIN)) {
            value = GoYamlScalars.resolve(text);
        } else if (tag.equals(Tag.INT) || tag.equals(Tag.FLOAT) || tag.equals(Tag.BOOL) || tag.equals(Tag.NULL)) {
            value = tagged(tag, text, node);
        } else if (tag.equals(Tag.BINARY)) {
            try {
                value = new String(Base64.getMimeDecoder().decode(text), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new GoYamlException("cannot decode !!binary `" + text + "`" + where(node), e);
            }
        } else {
            // !!str, !!timestamp (go-yaml v2 keeps timestamps as text) and unknown tags: the text.
            value = text;
        }
        if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new GoYamlException("unsupported value " + text + where(node)
                        + " (JSON has no NaN or infinity; quote it to use it as a string)", null);
            }
            return jsonNumbers ? GoYamlScalars.jsonNumber(d) : d;
        }
        return value;
    }

    private static Object tagged(Tag tag, String text, ScalarNode node) {
        Object resolved = GoYamlScalars.resolve(text);
        if (tag.equals(Tag.INT) && GoYamlScalars.isInteger(resolved)
                || tag.equals(Tag.BOOL) && resolved instanceof Boolean
                || tag.equals(Tag.NULL) && resolved == null
                || tag.equals(Tag.FLOAT) && resolved instanceof Double) {
            return resolved;
        }
        if (tag.equals(Tag.FLOAT) && GoYamlScalars.isInteger(resolved)) {
            return resolved instanceof BigInteger b ? b.doubleValue() : ((Long) resolved).doubleValue();
        }
        String name = "!!" + tag.getValue().substring(Tag.PREFIX.length());
        throw new GoYamlException("cannot decode `" + text + "` as a " + name + where(node), null);
    }

    private static String keyText(Node node, Object key) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Boolean || key instanceof Long || key instanceof BigInteger) {
            return key.toString();
        }
        if (key instanceof Double d) {
            return new java.math.BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        }
        if (key instanceof java.math.BigDecimal b) {
            return b.toString();
        }
        String kind = key == null ? "null" : key instanceof Map ? "a mapping" : "a list";
        throw new GoYamlException("unsupported map key " + kind + where(node) + "; use a string key", null);
    }

    private static String where(Node node) {
        return node.getStartMark()
                .map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1))
                .orElse("");
    }
}
