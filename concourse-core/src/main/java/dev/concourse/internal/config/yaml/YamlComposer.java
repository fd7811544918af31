package dev.concourse.internal.config.yaml;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.ConfigFinding.Severity;
import dev.concourse.config.SourceLocation;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.CollectionStartEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Builds a {@link YamlNode} tree from SnakeYAML Engine's event stream (YAML 1.2 core schema)
 * without recursion, so no input can overflow the stack, and with limits on size, nesting and
 * alias expansion, so no input can exhaust memory or time.
 *
 * <p>Also supports YAML 1.1 merge keys ({@code <<: *anchor}), which Concourse pipelines use
 * widely (Concourse parses YAML 1.1).
 */
public final class YamlComposer {

    /**
     * Bounds on what a document may cost.
     *
     * @param maxCodePoints size of the text
     * @param maxDepth      nesting of mappings and lists
     * @param maxWeight     nodes once aliases are expanded
     */
    public record Limits(int maxCodePoints, int maxDepth, long maxWeight) {
        public static final Limits DEFAULT = new Limits(32 * 1024 * 1024, 128, 2_000_000);
    }

    /**
     * The outcome: a root node (null when the text could not be parsed) and the findings.
     *
     * @param root     the first document, or null
     * @param findings syntax errors and warnings
     */
    public record Result(YamlNode root, List<ConfigFinding> findings) {
        public boolean failed() {
            return root == null;
        }
    }

    private static final ScalarResolver RESOLVER = new CoreSchema().getScalarResolver();
    private static final String MERGE_KEY = "<<";

    private final String file;
    private final Limits limits;
    private final List<ConfigFinding> findings = new ArrayList<>();
    private final Map<String, YamlNode> anchors = new HashMap<>();
    private final Deque<Frame> stack = new ArrayDeque<>();
    private YamlNode root;
    private int documents;

    private YamlComposer(String file, Limits limits) {
        this.file = file;
        this.limits = limits;
    }

    public static Result compose(String file, String text) {
        return compose(file, text, Limits.DEFAULT);
    }

    public static Result compose(String file, String text, Limits limits) {
        return new YamlComposer(file, limits).run(text);
    }

    private Result run(String text) {
        if (text.codePointCount(0, text.length()) > limits.maxCodePoints()) {
            error(SourceLocation.ofFile(file), "the document is larger than " + limits.maxCodePoints()
                    + " characters; split it or generate a smaller one");
            return new Result(null, findings);
        }
        LoadSettings settings = LoadSettings.builder()
                .setLabel(file)
                // SnakeYAML's reader copies its buffer for every refill, so a long scalar costs time
                // quadratic in its length over the buffer size: with the default 1 KiB a 5 MB value
                // took 13 s. A buffer holding the whole text (at most 1 MiB, which makes refills rare)
                // reads a 30 MB scalar in about a second.
                .setBufferSize(Math.max(1024, Math.min(text.length() + 1, 1 << 20)))
                .setCodePointLimit(Math.max(limits.maxCodePoints(), 1) + 1)
                .setMaxAliasesForCollections(Integer.MAX_VALUE)
                .setAllowDuplicateKeys(true)
                .setUseMarks(true)
                .build();
        try {
            for (Event event : new Parse(settings).parseString(text)) {
                if (!accept(event)) {
                    return new Result(null, findings);
                }
            }
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().or(e::getContextMark).orElse(null);
            String problem = e.getProblem() == null ? e.getMessage() : e.getProblem();
            String context = e.getContext() == null ? "" : " (" + e.getContext() + ")";
            error(location(Optional.ofNullable(mark)), "invalid YAML: " + problem + context);
            return new Result(null, findings);
        } catch (YamlEngineException e) {
            error(SourceLocation.ofFile(file), "invalid YAML: " + e.getMessage());
            return new Result(null, findings);
        }
        if (root == null) {
            root = new YamlScalar(null, new SourceLocation(file, 1, 1), true);
        }
        return new Result(root, findings);
    }

    /** Handles one event; false stops composing (a finding says why). */
    private boolean accept(Event event) {
        switch (event.getEventId()) {
            case DocumentStart -> {
                documents++;
                if (documents == 2) {
                    findings.add(new ConfigFinding(Severity.WARNING, "multiple_documents", "", location(event.getStartMark()),
                            "the file holds more than one YAML document; only the first is used"));
                }
                return true;
            }
            case Scalar -> {
                if (documents > 1) {
                    return true;
                }
                return attach(scalar((ScalarEvent) event), (NodeEvent) event);
            }
            case Alias -> {
                if (documents > 1) {
                    return true;
                }
                AliasEvent alias = (AliasEvent) event;
                String name = alias.getAlias().getValue();
                YamlNode target = anchors.get(name);
                if (target == null) {
                    error(location(event.getStartMark()), "unknown anchor '" + name + "' (an alias *" + name
                            + " must come after its anchor &" + name + " and cannot refer to a collection from inside it)");
                    return false;
                }
                return attachNode(target, location(event.getStartMark()));
            }
            case MappingStart, SequenceStart -> {
                if (documents > 1) {
                    stack.push(Frame.ignored());
                    return true;
                }
                if (stack.size() >= limits.maxDepth()) {
                    error(location(event.getStartMark()), "the document is nested more than " + limits.maxDepth()
                            + " levels deep");
                    return false;
                }
                CollectionStartEvent start = (CollectionStartEvent) event;
                stack.push(new Frame(event.getEventId() == Event.ID.MappingStart, location(event.getStartMark()),
                        start.getAnchor().map(a -> a.getValue()).orElse(null)));
                return true;
            }
            case MappingEnd, SequenceEnd -> {
                Frame frame = stack.pop();
                if (frame.ignored) {
                    return true;
                }
                YamlNode node = frame.isMap ? frame.toMap() : new YamlList(frame.items, frame.location, frame.weight);
                if (frame.anchor != null) {
                    anchors.put(frame.anchor, node);
                }
                return attachNode(node, node.location());
            }
            default -> {
                return true;
            }
        }
    }

    private boolean attach(YamlNode node, NodeEvent event) {
        event.getAnchor().ifPresent(a -> anchors.put(a.getValue(), node));
        return attachNode(node, node.location());
    }

    private boolean attachNode(YamlNode node, SourceLocation at) {
        if (stack.isEmpty()) {
            if (node.weight() > limits.maxWeight()) {
                return tooHeavy(at);
            }
            root = node;
            return true;
        }
        Frame frame = stack.peek();
        if (frame.ignored) {
            return true;
        }
        frame.weight = saturatingAdd(frame.weight, node.weight());
        if (frame.weight > limits.maxWeight()) {
            return tooHeavy(at);
        }
        if (!frame.isMap) {
            frame.items.add(node);
            return true;
        }
        if (frame.pendingKey == null) {
            if (!(node instanceof YamlScalar key)) {
                error(at, "mapping keys must be strings, numbers or booleans, not " + node.kind());
                return false;
            }
            frame.pendingKey = key;
            return true;
        }
        YamlScalar key = frame.pendingKey;
        frame.pendingKey = null;
        String name = key.value() == null ? "" : String.valueOf(key.value());
        if (MERGE_KEY.equals(name) && key.plain()) {
            return frame.merge(node, at, this);
        }
        YamlMap.Entry previous = frame.entries.put(name, new YamlMap.Entry(name, key.location(), node));
        if (previous != null) {
            findings.add(new ConfigFinding(Severity.WARNING, "duplicate_key", "", key.location(),
                    "key '" + name + "' is repeated (first at line " + previous.keyLocation().line()
                            + "); the last value wins"));
        }
        return true;
    }

    private boolean tooHeavy(SourceLocation at) {
        error(at, "the document expands to more than " + limits.maxWeight()
                + " values once its aliases are expanded; use fewer nested aliases");
        return false;
    }

    private YamlScalar scalar(ScalarEvent event) {
        SourceLocation at = location(event.getStartMark());
        String text = event.getValue();
        Tag tag = event.getTag().map(Tag::new)
                .filter(t -> !t.getValue().equals("!"))
                .orElseGet(() -> RESOLVER.resolve(text, event.getImplicit().canOmitTagInPlainScalar()));
        return new YamlScalar(typed(tag, text, at), at, event.isPlain());
    }

    private Object typed(Tag tag, String text, SourceLocation at) {
        try {
            if (tag.equals(Tag.NULL)) {
                return null;
            }
            if (tag.equals(Tag.BOOL)) {
                return Boolean.valueOf(text.toLowerCase(java.util.Locale.ROOT).equals("true"));
            }
            if (tag.equals(Tag.INT)) {
                return integer(text);
            }
            if (tag.equals(Tag.FLOAT)) {
                Double value = floating(text);
                // Like Concourse's YAML reader, a number too large for a double (1e400) stays text
                // rather than silently becoming infinity; only .inf spells infinity.
                return value.isInfinite() && !text.toLowerCase(java.util.Locale.ROOT).endsWith(".inf") ? text : value;
            }
        } catch (NumberFormatException e) {
            findings.add(new ConfigFinding(Severity.WARNING, "invalid_scalar", "", at,
                    "'" + text + "' is tagged " + tag.getValue() + " but is not one; it is read as a string"));
        }
        return text;
    }

    private static Object integer(String text) {
        String t = text.replace("_", "");
        int sign = 1;
        if (t.startsWith("-") || t.startsWith("+")) {
            sign = t.startsWith("-") ? -1 : 1;
            t = t.substring(1);
        }
        int radix = 10;
        if (t.startsWith("0x") || t.startsWith("0X")) {
            radix = 16;
            t = t.substring(2);
        } else if (t.startsWith("0o") || t.startsWith("0O")) {
            radix = 8;
            t = t.substring(2);
        }
        BigInteger value = new BigInteger(t, radix);
        if (sign < 0) {
            value = value.negate();
        }
        return value.bitLength() < 64 ? (Object) value.longValue() : value;
    }

    private static Double floating(String text) {
        String t = text.toLowerCase(java.util.Locale.ROOT);
        return switch (t) {
            case ".inf", "+.inf" -> Double.POSITIVE_INFINITY;
            case "-.inf" -> Double.NEGATIVE_INFINITY;
            case ".nan" -> Double.NaN;
            default -> Double.valueOf(t);
        };
    }

    private void error(SourceLocation at, String message) {
        findings.add(new ConfigFinding(Severity.ERROR, "yaml_syntax", "", at, message));
    }

    private SourceLocation location(Optional<Mark> mark) {
        return mark.map(m -> new SourceLocation(file, m.getLine() + 1, m.getColumn() + 1))
                .orElseGet(() -> SourceLocation.ofFile(file));
    }

    static long saturatingAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** A mapping or list being built. */
    private static final class Frame {
        final boolean isMap;
        final boolean ignored;
        final SourceLocation location;
        final String anchor;
        final List<YamlNode> items = new ArrayList<>();
        final LinkedHashMap<String, YamlMap.Entry> entries = new LinkedHashMap<>();
        final List<YamlMap> merged = new ArrayList<>();
        YamlScalar pendingKey;
        long weight = 1;

        Frame(boolean isMap, SourceLocation location, String anchor) {
            this(isMap, location, anchor, false);
        }

        private Frame(boolean isMap, SourceLocation location, String anchor, boolean ignored) {
            this.isMap = isMap;
            this.location = location;
            this.anchor = anchor;
            this.ignored = ignored;
        }

        static Frame ignored() {
            return new Frame(false, null, null, true);
        }

        boolean merge(YamlNode value, SourceLocation at, YamlComposer composer) {
            if (value instanceof YamlMap map) {
                merged.add(map);
                return true;
            }
            if (value instanceof YamlList list && list.items().stream().allMatch(i -> i instanceof YamlMap)) {
                list.items().forEach(i -> merged.add((YamlMap) i));
                return true;
            }
            composer.error(at, "a merge key '<<' takes a mapping or a list of mappings, not " + value.kind());
            return false;
        }

        /** Explicit keys win over merged ones; among merged mappings the first wins (YAML 1.1). */
        YamlMap toMap() {
            if (merged.isEmpty()) {
                return new YamlMap(new ArrayList<>(entries.values()), location, weight);
            }
            LinkedHashMap<String, YamlMap.Entry> all = new LinkedHashMap<>();
            for (YamlMap source : merged) {
                for (YamlMap.Entry e : source.entries()) {
                    all.putIfAbsent(e.key(), e);
                }
            }
            all.putAll(entries);
            return new YamlMap(new ArrayList<>(all.values()), location, weight);
        }
    }
}
