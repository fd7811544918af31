package dev.concourse.internal.scheduler.algorithm;

import java.util.Map;

/**
 * The algorithm's answer for a job.
 *
 * @param ok      whether every input resolved
 * @param inputs  by input name, resolved or with an error
 * @param hasNext whether a resolved input has a later {@code every} version waiting (schedule again)
 */
public record Resolution(boolean ok, Map<String, InputResult> inputs, boolean hasNext) {

    public Resolution {
        inputs = Map.copyOf(inputs);
    }
}
