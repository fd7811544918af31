package dev.concourse.storage;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one outermost transaction changed so far: how to undo its changes to the tables, and the
 * event-log changes it will publish when it commits. Touched only by the thread holding the write
 * lock.
 */
final class Transaction {
    private final ArrayDeque<Runnable> undo = new ArrayDeque<>();
    private final List<Runnable> commitActions = new ArrayList<>();
    /** Event-log changes, published at commit so that readers never see uncommitted events. */
    final Map<Long, PendingLog> pendingLogs = new HashMap<>();
    boolean eventsRegistered;

    void onUndo(Runnable action) {
        undo.addLast(action);
    }

    void onCommit(Runnable action) {
        commitActions.add(action);
    }

    /** A savepoint: {@link #rollbackTo} it to undo what came after. */
    int mark() {
        return undo.size();
    }

    void rollbackTo(int mark) {
        while (undo.size() > mark) {
            undo.removeLast().run();
        }
    }

    void commit() {
        for (Runnable action : commitActions) {
            action.run();
        }
    }
}
