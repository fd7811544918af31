package dev.concourse.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SecretMatcherTest {

    private static String redact(String text, String... patterns) {
        return SecretMatcher.compile(List.of(patterns)).redact(text, "#");
    }

    private static int hold(String text, String... patterns) {
        return SecretMatcher.compile(List.of(patterns)).scan(text, new SecretMatcher.Intervals());
    }

    @Test
    void replacesEveryOccurrenceOfEveryPattern() {
        assertThat(redact("a secret and another secret, a token", "secret", "token")).isEqualTo("a # and another #, a #");
    }

    @Test
    void overlappingAndNestedMatchesBecomeOneReplacement() {
        assertThat(redact("xabcdefx", "abcd", "cdef")).isEqualTo("x#x");
        assertThat(redact("xabcdex", "bcd", "abcde")).isEqualTo("x#x");
        assertThat(redact("xabcdex", "abcde", "bcd")).isEqualTo("x#x");
        assertThat(redact("aaaa", "aa")).isEqualTo("#");
    }

    @Test
    void adjacentMatchesStaySeparate() {
        assertThat(redact("abab", "ab")).isEqualTo("##");
    }

    @Test
    void findsPatternsThatAreSuffixesOfPartialMatches() {
        assertThat(redact("ushers", "he", "she", "his", "hers")).isEqualTo("u#");
        assertThat(redact("abcabdx", "abd", "bc")).isEqualTo("a##x");
    }

    @Test
    void returnsTheSameInstanceWithoutMatches() {
        String text = "nothing to see";
        assertThat(SecretMatcher.compile(List.of("secret")).redact(text, "#")).isSameAs(text);
        assertThat(SecretMatcher.EMPTY.redact(text, "#")).isSameAs(text);
    }

    @Test
    void holdsBackTheLongestSuffixThatCouldStillBecomeAMatch() {
        assertThat(hold("log ends with sec", "secret")).isEqualTo(3);
        assertThat(hold("log ends with s", "secret")).isEqualTo(1);
        assertThat(hold("log ends with x", "secret")).isZero();
        // A whole secret at the end that nothing extends needs no holding back...
        assertThat(hold("log ends with secret", "secret")).isZero();
        // ...unless it could be the start of a longer one.
        assertThat(hold("log ends with secret", "secret", "secret-2")).isEqualTo(6);
        // The longest candidate is found through failure links too.
        assertThat(hold("xxabab", "ababc")).isEqualTo(4);
    }

    @Test
    void handlesCharsBeyondLatin1AndManyChildren() {
        List<String> patterns = new ArrayList<>();
        for (char c = 'A'; c <= 'z'; c++) {
            patterns.add("p" + c + "é€😀");
        }
        SecretMatcher matcher = SecretMatcher.compile(patterns);
        assertThat(matcher.redact("-pQé€😀-pqé€😀-pqé€-", "#")).isEqualTo("-#-#-pqé€-");
    }

    @Test
    void agreesWithANaiveSearchOnRandomInputWhateverTheTableSize() {
        Random random = new Random(42);
        for (int round = 0; round < 3000; round++) {
            List<String> patterns = new ArrayList<>();
            int count = 1 + random.nextInt(6);
            for (int i = 0; i < count; i++) {
                patterns.add(randomText(random, 1 + random.nextInt(5)));
            }
            String text = randomText(random, random.nextInt(60));
            // Budget 1: only the root has a table row; 12: a few shallow states; default: all states.
            for (int budget : new int[] {1, 12, 1 << 19}) {
                SecretMatcher matcher = SecretMatcher.compile(patterns, budget);
                assertThat(matcher.redact(text, "#"))
                        .as("patterns %s in %s, budget %d", patterns, text, budget)
                        .isEqualTo(NaiveRedaction.redact(text, patterns, "#"));
                assertThat(matcher.scan(text, new SecretMatcher.Intervals()))
                        .as("hold for patterns %s after %s, budget %d", patterns, text, budget)
                        .isEqualTo(naiveHold(text, patterns));
            }
        }
    }

    @Test
    void manyLongSecretsBeyondTheTableBudgetStillMatch() {
        Random random = new Random(3);
        List<String> patterns = new ArrayList<>();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 100; i++) {
            StringBuilder key = new StringBuilder();
            for (int j = 0; j < 3000; j++) {
                key.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            patterns.add(key.toString());
        }
        SecretMatcher matcher = SecretMatcher.compile(patterns);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 100; i += 7) {
            text.append("key ").append(i).append(": ").append(patterns.get(i)).append('\n');
            text.append("almost: ").append(patterns.get(i), 0, 2999).append('\n');
        }
        assertThat(matcher.redact(text.toString(), "#"))
                .isEqualTo(NaiveRedaction.redact(text.toString(), patterns, "#"))
                .contains("key 98: #\n");
    }

    /** The longest suffix of {@code text} that is a proper prefix of a pattern. */
    private static int naiveHold(String text, List<String> patterns) {
        int best = 0;
        for (String pattern : patterns) {
            for (int k = Math.min(text.length(), pattern.length() - 1); k > best; k--) {
                if (text.endsWith(pattern.substring(0, k))) {
                    best = k;
                    break;
                }
            }
        }
        return best;
    }

    private static String randomText(Random random, int length) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append("abc".charAt(random.nextInt(3)));
        }
        return s.toString();
    }
}
