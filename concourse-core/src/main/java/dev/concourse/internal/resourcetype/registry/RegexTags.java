package dev.concourse.internal.resourcetype.registry;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The check of a repository with {@code tag_regex}, as the Go resource does it: every tag the
 * expression finds in (not necessarily the whole tag), in the order the registry lists them, or
 * with {@code created_at_sort} by the {@code created} time of the platform's image, oldest first.
 */
public final class RegexTags {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Pattern pattern;
    private final boolean byCreation;

    public RegexTags(Pattern pattern, boolean byCreation) {
        this.pattern = pattern;
        this.byCreation = byCreation;
    }

    /** The matching tags and their digests. */
    public List<SemverTags.Found> check(RegistryClient client, ImagePull images, Platform platform) {
        List<SemverTags.Found> found = new ArrayList<>();
        Map<SemverTags.Found, Instant> created = new HashMap<>();
        for (String tag : client.tags()) {
            if (!pattern.matcher(tag).find()) {
                continue;
            }
            String digest = client.digestOf(tag).orElse(null);
            if (digest == null) {
                continue;
            }
            SemverTags.Found version = new SemverTags.Found(tag, digest);
            found.add(version);
            if (byCreation) {
                Manifest.Image image = images.image(digest, platform);
                created.put(version, createdAt(images.configBlob(image)));
            }
        }
        if (byCreation) {
            found.sort(Comparator.comparing(created::get));
        }
        return found;
    }

    /** The configuration's {@code created} time; the zero time, as Go has it, if it has none. */
    private static Instant createdAt(byte[] config) {
        try {
            JsonNode created = JSON.readTree(config).path("created");
            return created.isString() ? Instant.parse(created.asString()) : Instant.EPOCH;
        } catch (JacksonException | DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }
}
