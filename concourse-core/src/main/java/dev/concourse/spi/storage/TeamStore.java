package dev.concourse.spi.storage;

import dev.concourse.Team;
import java.util.List;
import java.util.Optional;

/** Teams. */
public interface TeamStore {

    /**
     * Creates a team, or returns the existing one of that name.
     *
     * @param name a valid identifier
     */
    Team createIfAbsent(String name);

    Optional<Team> find(String name);

    /** Every team, by name ({@link String#compareTo} order). */
    List<Team> list();
}
