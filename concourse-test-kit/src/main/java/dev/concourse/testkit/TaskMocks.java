package dev.concourse.testkit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The task mocks of one harness, and the tasks that ran without one. Thread-safe. */
final class TaskMocks {
    private final Map<String, TaskMock> mocks = new LinkedHashMap<>();
    private final Set<String> unmocked = new LinkedHashSet<>();
    private final boolean runUnmockedLocally;

    TaskMocks(boolean runUnmockedLocally) {
        this.runUnmockedLocally = runUnmockedLocally;
    }

    synchronized TaskMock mock(String stepName) {
        return mocks.computeIfAbsent(stepName, TaskMock::new);
    }

    synchronized Optional<TaskMock> find(String stepName) {
        return Optional.ofNullable(mocks.get(stepName));
    }

    boolean runUnmockedLocally() {
        return runUnmockedLocally;
    }

    synchronized void unmocked(String description) {
        unmocked.add(description);
    }

    /** Takes the unmocked tasks seen since the last call. */
    synchronized List<String> drainUnmocked() {
        List<String> seen = new ArrayList<>(unmocked);
        unmocked.clear();
        return seen;
    }
}
