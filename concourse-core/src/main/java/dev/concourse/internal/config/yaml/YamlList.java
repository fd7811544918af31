package dev.concourse.internal.config.yaml;

import dev.concourse.config.SourceLocation;
import java.util.ArrayList;
import java.util.List;

/** A sequence. */
public record YamlList(List<YamlNode> items, SourceLocation location, long weight) implements YamlNode {

    public YamlList {
        items = List.copyOf(items);
    }

    @Override
    public String kind() {
        return "a list";
    }

    @Override
    public Object toPlain() {
        List<Object> plain = new ArrayList<>(items.size());
        for (YamlNode item : items) {
            plain.add(item.toPlain());
        }
        return plain;
    }
}
