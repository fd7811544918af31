package dev.concourse.internal.scheduler.algorithm;

import java.util.List;
import java.util.Map;

/** Resolves some of a job's inputs together. */
sealed interface Resolver permits PinnedResolver, IndividualResolver, GroupResolver {

    List<InputConfig> inputs();

    Outcome resolve();

    /** Either candidates by input name, or a failure shared by all the resolver's inputs. */
    record Outcome(Map<String, Candidate> candidates, String failure) {

        static Outcome of(String input, Candidate candidate) {
            return new Outcome(Map.of(input, candidate), null);
        }

        static Outcome failed(String failure) {
            return new Outcome(Map.of(), failure);
        }
    }
}
