package dev.concourse.internal.exec;

import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.vars.VarRef;
import dev.concourse.vars.Variables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The vars a build's steps see when they run (Concourse's {@code buildVariables},
 * {@code atc/exec/build_vars.go}): local vars, {@code ((.:name))}, set by {@code load_var} and
 * {@code across}, over the build's credential vars for everything else.
 *
 * <p>Scopes nest: the build has one, each {@code across} substep a child of the scope that ran
 * the {@code across}. A local var is looked up in the scope, then its parents; a var set in a
 * scope is seen by the steps that run in it afterwards (in parallel branches too) and by child
 * scopes, never by the parent. A {@code ((.:name))} that no scope has is not looked up in the
 * credential vars (they hold no local vars).
 *
 * <p>Thread-safe: parallel steps read and set vars concurrently.
 */
final class BuildVariables implements Variables {
    private final BuildVariables parent;
    private final Variables credentials;
    private final SecretTracker tracker;
    private final Map<String, Object> locals = new LinkedHashMap<>();

    private BuildVariables(BuildVariables parent, Variables credentials, SecretTracker tracker) {
        this.parent = parent;
        this.credentials = credentials;
        this.tracker = tracker;
    }

    /** The build's root scope. */
    static BuildVariables root(Variables credentials, SecretTracker tracker) {
        return new BuildVariables(null, credentials, tracker);
    }

    /** A scope whose local vars are its own, falling back to this one's. */
    BuildVariables child() {
        return new BuildVariables(this, credentials, tracker);
    }

    /** The build's tracker: what is in it is redacted from the build's events. */
    SecretTracker tracker() {
        return tracker;
    }

    /**
     * Sets a local var in this scope, replacing a value it had here.
     *
     * @param value  a plain value, may be null
     * @param redact whether the value is a secret, redacted from the build's events from now on
     */
    void set(String name, Object value, boolean redact) {
        synchronized (locals) {
            locals.put(name, value);
        }
        if (redact) {
            tracker.track(value);
        }
    }

    /** The local var's value in this scope or a parent, {@link #NULL} for null; empty if none has it. */
    Optional<Object> local(String name) {
        for (BuildVariables scope = this; scope != null; scope = scope.parent) {
            synchronized (scope.locals) {
                if (scope.locals.containsKey(name)) {
                    Object value = scope.locals.get(name);
                    return Optional.of(value == null ? NULL : value);
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public Optional<Object> get(VarRef ref) {
        if (".".equals(ref.source())) {
            return local(ref.path());
        }
        return credentials.get(ref);
    }

    @Override
    public List<VarRef> list() {
        List<VarRef> all = new ArrayList<>(credentials.list());
        for (BuildVariables scope = this; scope != null; scope = scope.parent) {
            synchronized (scope.locals) {
                scope.locals.keySet().forEach(name -> all.add(new VarRef(".", name, List.of())));
            }
        }
        return all;
    }

    @Override
    public String toString() {
        return "BuildVariables[" + credentials + "]";
    }
}
