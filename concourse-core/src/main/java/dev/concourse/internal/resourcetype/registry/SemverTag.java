package dev.concourse.internal.resourcetype.registry;

import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tag read as a semantic version the way the Go resource reads them (Masterminds' lenient
 * parser): {@code 1}, {@code 1.2}, {@code v1.2.3}, with an optional {@code -pre.release} and
 * {@code +build}; ordered by semver precedence.
 *
 * @param original   the text it was read from (without a variant suffix)
 * @param numbers    major, minor, patch (missing ones are 0)
 * @param prerelease the part after {@code -}, or empty
 */
public record SemverTag(String original, List<BigInteger> numbers, String prerelease) implements Comparable<SemverTag> {
    private static final Pattern VERSION = Pattern.compile(
            "v?([0-9]+)(?:\\.([0-9]+))?(?:\\.([0-9]+))?(?:-([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?"
                    + "(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?");

    /** The version {@code text} is, or null if it is not one. */
    public static SemverTag parse(String text) {
        Matcher m = VERSION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        return new SemverTag(text, List.of(number(m.group(1)), number(m.group(2)), number(m.group(3))),
                m.group(4) == null ? "" : m.group(4));
    }

    private static BigInteger number(String digits) {
        return digits == null ? BigInteger.ZERO : new BigInteger(digits);
    }

    /** How many dots the tag has: {@code 3.2.1} is more specific than {@code 3.2}. */
    int specificity() {
        return (int) original.chars().filter(c -> c == '.').count();
    }

    @Override
    public int compareTo(SemverTag other) {
        for (int i = 0; i < 3; i++) {
            int c = numbers.get(i).compareTo(other.numbers.get(i));
            if (c != 0) {
                return c;
            }
        }
        if (prerelease.isEmpty() || other.prerelease.isEmpty()) {
            return Boolean.compare(prerelease.isEmpty(), other.prerelease.isEmpty());
        }
        String[] mine = prerelease.split("\\.");
        String[] theirs = other.prerelease.split("\\.");
        for (int i = 0; i < Math.min(mine.length, theirs.length); i++) {
            boolean myNumber = mine[i].matches("[0-9]+");
            boolean theirNumber = theirs[i].matches("[0-9]+");
            int c = myNumber && theirNumber ? new BigInteger(mine[i]).compareTo(new BigInteger(theirs[i]))
                    : myNumber != theirNumber ? (myNumber ? -1 : 1) : mine[i].compareTo(theirs[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(mine.length, theirs.length);
    }
}
