package dev.concourse;

import java.util.List;
import java.util.Optional;

/** The engine's teams. The {@code main} team always exists. Thread-safe. */
public interface Teams {

    /**
     * Creates a team, or returns it if it exists.
     *
     * @throws ConcourseException if the name is not a valid identifier
     */
    Team create(String name);

    Optional<Team> get(String name);

    List<Team> list();
}
