package dev.concourse.internal.resourcetype.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The check of a repository without {@code tag}, as the Go resource does it: every tag that is a
 * semantic version (with the {@code variant} suffix if one is set, pre-releases only when asked
 * for), one version per digest under its most specific tag ({@code 1.2.3} rather than {@code 1.2}
 * or {@code 1}, a final release rather than a pre-release), in version order, then {@code latest}
 * (or the bare variant tag) if its digest is none of those. From a version still in the
 * repository, only tags from that version on are looked up.
 */
public final class SemverTags {
    private static final List<String> PRE_RELEASE_PREFIXES = List.of("alpha", "beta", "rc");

    /** A tag and the digest it points to. */
    public record Found(String tag, String digest) {
    }

    private final String variant;
    private final boolean preReleases;
    private final List<String> preReleasePrefixes;

    /**
     * @param variant            the suffix after {@code -} of the tags to consider, or empty for tags without one
     * @param preReleases        whether pre-release tags count
     * @param preReleasePrefixes more pre-release prefixes than {@code alpha}, {@code beta}, {@code rc}
     */
    public SemverTags(String variant, boolean preReleases, List<String> preReleasePrefixes) {
        this.variant = variant;
        this.preReleases = preReleases;
        this.preReleasePrefixes = List.copyOf(preReleasePrefixes);
    }

    /** The versions found, oldest first; {@code from} (tag and digest) may be null. */
    public List<Found> check(RegistryClient client, Found from) {
        List<String> tags = new ArrayList<>(client.tags());
        if (from != null && tags.remove(from.tag())) {
            tags.addFirst(from.tag()); // seen first, it is the cursor for the rest
        }
        String bareTag = variant.isEmpty() ? "latest" : variant;
        Map<String, SemverTag> byDigest = new LinkedHashMap<>();
        Map<SemverTag, String> tagOf = new HashMap<>();
        String latestDigest = null;
        SemverTag cursor = null;
        for (String tag : tags) {
            SemverTag version = null;
            if (!tag.equals(bareTag)) {
                version = candidate(tag);
                if (version == null || (cursor != null && cursor.compareTo(version) >= 0)) {
                    continue;
                }
            }
            String digest = client.digestOf(tag).orElse(null);
            if (digest == null) {
                continue;
            }
            if (version == null) {
                latestDigest = digest;
                continue;
            }
            tagOf.put(version, tag);
            SemverTag existing = byDigest.get(digest);
            if (existing == null || preferred(version, existing)) {
                byDigest.put(digest, version);
            }
            if (from != null && tag.equals(from.tag()) && digest.equals(from.digest())) {
                cursor = version;
            }
        }
        List<Found> found = new ArrayList<>();
        byDigest.entrySet().stream().sorted(Map.Entry.comparingByValue(Comparator.naturalOrder()))
                .forEach(e -> found.add(new Found(tagOf.get(e.getValue()), e.getKey())));
        if (latestDigest != null && !byDigest.containsKey(latestDigest)) {
            found.add(new Found(bareTag, latestDigest));
        }
        return found;
    }

    /** The tag's version if it is one this check considers, else null. */
    private SemverTag candidate(String tag) {
        String text = tag;
        if (!variant.isEmpty()) {
            if (!tag.endsWith("-" + variant)) {
                return null;
            }
            text = tag.substring(0, tag.length() - variant.length() - 1);
        }
        SemverTag version = SemverTag.parse(text);
        if (version == null || version.prerelease().isEmpty()) {
            return version;
        }
        if (!preReleases || (preReleasePrefixes.isEmpty() && version.prerelease().contains("-"))) {
            return null; // pre-releases are not wanted, or this is a variant rather than a pre-release
        }
        List<String> prefixes = new ArrayList<>(PRE_RELEASE_PREFIXES);
        prefixes.addAll(preReleasePrefixes);
        return prefixes.stream().anyMatch(version.prerelease()::startsWith) ? version : null;
    }

    /** A final release over a pre-release, else the more specific tag. */
    private static boolean preferred(SemverTag candidate, SemverTag existing) {
        if (existing.prerelease().isEmpty() != candidate.prerelease().isEmpty()) {
            return candidate.prerelease().isEmpty();
        }
        return candidate.specificity() > existing.specificity();
    }
}
