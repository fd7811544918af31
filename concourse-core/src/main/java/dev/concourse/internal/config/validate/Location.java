package dev.concourse.internal.config.validate;

/**
 * Concourse's {@code location}: an item of a top-level list, named {@code section.name} when it
 * has a name and {@code section[index]} when not.
 */
record Location(String section, int index) {

    @Override
    public String toString() {
        return section + "[" + index + "]";
    }

    String identifier(String name) {
        return name == null || name.isEmpty() ? toString() : section + "." + name;
    }
}
