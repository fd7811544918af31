package dev.concourse.spi.credentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A rule that turns a var name into the path a {@link CredentialManager} is asked for, given the
 * build's team and pipeline (Concourse's lookup templates, for example Vault's
 * {@code lookup_templates}).
 *
 * <p>The syntax is Concourse's: text with the placeholders {@code {{.Team}}}, {@code {{.Pipeline}}}
 * and {@code {{.Secret}}} (spaces inside the braces are allowed, {@code {{ .Team }}}). Every template
 * must use {@code {{.Secret}}}. A template that uses {@code {{.Pipeline}}} only applies to builds
 * of a pipeline; one-off builds skip it. Values are inserted as they are (a var name may contain
 * {@code /}).
 *
 * <p>Immutable and thread-safe.
 */
public final class LookupTemplate {

    private static final List<LookupTemplate> DEFAULTS = List.of(
            parse("/{{.Team}}/{{.Pipeline}}/{{.Secret}}"),
            parse("/{{.Team}}/{{.Secret}}"));

    private enum Placeholder { TEAM, PIPELINE, SECRET }

    private final String template;
    /** Literal strings and {@link Placeholder}s, in order. */
    private final List<Object> parts;
    private final boolean needsPipeline;

    private LookupTemplate(String template, List<Object> parts) {
        this.template = template;
        this.parts = List.copyOf(parts);
        this.needsPipeline = parts.contains(Placeholder.PIPELINE);
    }

    /**
     * Concourse's default templates: {@code /{{.Team}}/{{.Pipeline}}/{{.Secret}}}, then
     * {@code /{{.Team}}/{{.Secret}}}.
     */
    public static List<LookupTemplate> defaults() {
        return DEFAULTS;
    }

    /**
     * Parses a template.
     *
     * @param template for example {@code /concourse/{{.Team}}/{{.Secret}}}; never null
     * @throws IllegalArgumentException if it is empty, uses an unknown placeholder, has an
     *     unclosed <code>&#123;&#123;</code>, or does not use {@code {{.Secret}}}
     */
    public static LookupTemplate parse(String template) {
        Objects.requireNonNull(template, "template");
        if (template.isEmpty()) {
            throw new IllegalArgumentException("a lookup template must not be empty; "
                    + "write for example /{{.Team}}/{{.Secret}}");
        }
        List<Object> parts = new ArrayList<>();
        int i = 0;
        while (i < template.length()) {
            int open = template.indexOf("{{", i);
            if (open < 0) {
                parts.add(template.substring(i));
                break;
            }
            if (open > i) {
                parts.add(template.substring(i, open));
            }
            int close = template.indexOf("}}", open + 2);
            if (close < 0) {
                throw new IllegalArgumentException("lookup template '" + template + "' has an unclosed '{{'");
            }
            parts.add(switch (template.substring(open + 2, close).strip()) {
                case ".Team" -> Placeholder.TEAM;
                case ".Pipeline" -> Placeholder.PIPELINE;
                case ".Secret" -> Placeholder.SECRET;
                default -> throw new IllegalArgumentException("lookup template '" + template + "' uses '"
                        + template.substring(open, close + 2) + "'; only {{.Team}}, {{.Pipeline}} and "
                        + "{{.Secret}} are available");
            });
            i = close + 2;
        }
        if (!parts.contains(Placeholder.SECRET)) {
            throw new IllegalArgumentException("lookup template '" + template + "' does not use {{.Secret}}, "
                    + "so every var would be looked up at the same path; add {{.Secret}}");
        }
        return new LookupTemplate(template, parts);
    }

    /**
     * Parses several templates, keeping their order.
     *
     * @throws IllegalArgumentException if one is invalid, see {@link #parse(String)}
     */
    public static List<LookupTemplate> parseAll(List<String> templates) {
        return templates.stream().map(LookupTemplate::parse).toList();
    }

    /** The template as written. */
    public String template() {
        return template;
    }

    /** Whether the template uses {{.Pipeline}} and so only applies to builds of a pipeline. */
    public boolean needsPipeline() {
        return needsPipeline;
    }

    /**
     * The path for one var of a build.
     *
     * @param team     the team's name, never null
     * @param pipeline the pipeline's name, or null for a build without a pipeline
     * @param secret   the var name ({@code github-token} for {@code ((github-token.field))})
     * @return the path, or empty if the template needs a pipeline and there is none
     */
    public Optional<String> expand(String team, String pipeline, String secret) {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(secret, "secret");
        if (needsPipeline && (pipeline == null || pipeline.isEmpty())) {
            return Optional.empty();
        }
        StringBuilder path = new StringBuilder(template.length() + secret.length() + 16);
        for (Object part : parts) {
            if (part instanceof String literal) {
                path.append(literal);
            } else {
                path.append(switch ((Placeholder) part) {
                    case TEAM -> team;
                    case PIPELINE -> pipeline;
                    case SECRET -> secret;
                });
            }
        }
        return Optional.of(path.toString());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LookupTemplate that && template.equals(that.template);
    }

    @Override
    public int hashCode() {
        return template.hashCode();
    }

    @Override
    public String toString() {
        return template;
    }
}
