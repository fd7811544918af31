package dev.concourse.internal.config.yaml;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.ConfigFinding.Severity;
import dev.concourse.config.SourceLocation;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds a {@link YamlNode} tree from JSON with Jackson's streaming parser, keeping line and
 * column of every value; iterative and bounded like {@link YamlComposer}.
 */
public final class JsonComposer {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private JsonComposer() {
    }

    public static YamlComposer.Result compose(String file, String json) {
        return compose(file, json, YamlComposer.Limits.DEFAULT);
    }

    public static YamlComposer.Result compose(String file, String json, YamlComposer.Limits limits) {
        List<ConfigFinding> findings = new ArrayList<>();
        if (json.length() > limits.maxCodePoints()) {
            findings.add(new ConfigFinding(Severity.ERROR, "json_syntax", "", SourceLocation.ofFile(file),
                    "the document is larger than " + limits.maxCodePoints() + " characters"));
            return new YamlComposer.Result(null, findings);
        }
        Deque<Frame> stack = new ArrayDeque<>();
        YamlNode root = null;
        try (JsonParser parser = MAPPER.createParser(json)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                SourceLocation at = location(file, parser.currentTokenLocation());
                YamlNode done = null;
                switch (token) {
                    case START_OBJECT, START_ARRAY -> {
                        if (stack.size() >= limits.maxDepth()) {
                            findings.add(new ConfigFinding(Severity.ERROR, "json_syntax", "", at,
                                    "the document is nested more than " + limits.maxDepth() + " levels deep"));
                            return new YamlComposer.Result(null, findings);
                        }
                        stack.push(new Frame(token == JsonToken.START_OBJECT, at));
                    }
                    case END_OBJECT, END_ARRAY -> {
                        Frame f = stack.pop();
                        done = f.isMap ? new YamlMap(f.entries, f.location, f.weight)
                                : new YamlList(f.items, f.location, f.weight);
                    }
                    case PROPERTY_NAME -> stack.peek().pendingKey = new YamlScalar(parser.currentName(), at, false);
                    case VALUE_STRING -> done = new YamlScalar(parser.getString(), at, false);
                    case VALUE_NUMBER_INT -> done = new YamlScalar(parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                            ? parser.getBigIntegerValue() : (Object) parser.getLongValue(), at, true);
                    case VALUE_NUMBER_FLOAT -> {
                        // As in YAML: a number beyond a double's range (1e400) stays text, not infinity.
                        double d = parser.getDoubleValue();
                        done = new YamlScalar(Double.isInfinite(d) ? (Object) parser.getString() : d, at, true);
                    }
                    case VALUE_TRUE, VALUE_FALSE -> done = new YamlScalar(token == JsonToken.VALUE_TRUE, at, true);
                    case VALUE_NULL -> done = new YamlScalar(null, at, true);
                    default -> {
                    }
                }
                if (done == null) {
                    continue;
                }
                if (stack.isEmpty()) {
                    root = done;
                    break;
                }
                Frame top = stack.peek();
                top.weight += done.weight();
                if (top.isMap) {
                    YamlScalar key = top.pendingKey;
                    top.entries.add(new YamlMap.Entry((String) key.value(), key.location(), done));
                } else {
                    top.items.add(done);
                }
            }
        } catch (JacksonException e) {
            TokenStreamLocation loc = e.getLocation();
            findings.add(new ConfigFinding(Severity.ERROR, "json_syntax", "", location(file, loc),
                    "invalid JSON: " + e.getOriginalMessage()));
            return new YamlComposer.Result(null, findings);
        }
        if (root == null) {
            root = new YamlScalar(null, new SourceLocation(file, 1, 1), true);
        }
        return new YamlComposer.Result(root, findings);
    }

    private static SourceLocation location(String file, TokenStreamLocation loc) {
        if (loc == null || loc.getLineNr() < 1) {
            return SourceLocation.ofFile(file);
        }
        return new SourceLocation(file, loc.getLineNr(), Math.max(loc.getColumnNr(), 1));
    }

    private static final class Frame {
        final boolean isMap;
        final SourceLocation location;
        final List<YamlMap.Entry> entries = new ArrayList<>();
        final List<YamlNode> items = new ArrayList<>();
        YamlScalar pendingKey;
        long weight = 1;

        Frame(boolean isMap, SourceLocation location) {
            this.isMap = isMap;
            this.location = location;
        }
    }
}
