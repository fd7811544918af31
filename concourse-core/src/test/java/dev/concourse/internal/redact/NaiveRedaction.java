package dev.concourse.internal.redact;

import java.util.Collection;

/** The obviously right redaction to compare against: every occurrence, overlapping ones merged. */
final class NaiveRedaction {
    private NaiveRedaction() {
    }

    static String redact(String text, Collection<String> patterns, String replacement) {
        boolean[] startsOccurrence = new boolean[text.length() + 1];
        int[] occurrenceEnd = new int[text.length()];
        for (String pattern : patterns) {
            for (int at = text.indexOf(pattern); at >= 0; at = text.indexOf(pattern, at + 1)) {
                startsOccurrence[at] = true;
                occurrenceEnd[at] = Math.max(occurrenceEnd[at], at + pattern.length());
            }
        }
        // Occurrences that overlap merge; occurrences that only touch stay separate.
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            if (!startsOccurrence[i]) {
                out.append(text.charAt(i));
                i++;
                continue;
            }
            int end = occurrenceEnd[i];
            int j = i + 1;
            while (j < end) {
                if (startsOccurrence[j]) {
                    end = Math.max(end, occurrenceEnd[j]);
                }
                j++;
            }
            out.append(replacement);
            i = end;
        }
        return out.toString();
    }
}
