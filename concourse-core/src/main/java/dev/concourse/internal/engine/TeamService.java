package dev.concourse.internal.engine;

import dev.concourse.ConcourseException;
import dev.concourse.Team;
import dev.concourse.Teams;
import dev.concourse.internal.config.validate.Identifiers;
import dev.concourse.spi.storage.Storage;
import java.util.List;
import java.util.Optional;

/** Teams over storage. */
final class TeamService implements Teams {
    private final Storage storage;

    TeamService(Storage storage) {
        this.storage = storage;
    }

    @Override
    public Team create(String name) {
        Identifiers.problem(name).ifPresent(problem -> {
            throw new ConcourseException("cannot create team '" + name + "': " + problem);
        });
        return storage.teams().createIfAbsent(name);
    }

    @Override
    public Optional<Team> get(String name) {
        return storage.teams().find(name);
    }

    @Override
    public List<Team> list() {
        return storage.teams().list();
    }
}
