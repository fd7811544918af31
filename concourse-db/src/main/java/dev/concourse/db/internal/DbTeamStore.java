package dev.concourse.db.internal;

import dev.concourse.Team;
import dev.concourse.spi.storage.TeamStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hibernate.Session;

final class DbTeamStore implements TeamStore {
    private final Db db;

    DbTeamStore(Db db) {
        this.db = db;
    }

    @Override
    public Team createIfAbsent(String name) {
        Objects.requireNonNull(name, "name");
        Limits.name("team name", name);
        Optional<Team> known = find(name);
        if (known.isPresent()) {
            return known.get();
        }
        return db.write(session -> row(session, name).map(TeamRow::toTeam).orElseGet(() -> {
            TeamRow row = new TeamRow(name);
            session.persist(row);
            return row.toTeam();
        }));
    }

    static Optional<TeamRow> row(Session session, String name) {
        if (!Limits.storable(name)) {
            return Optional.empty();
        }
        return session.createSelectionQuery("from TeamRow where name = :name", TeamRow.class)
                .setParameter("name", name)
                .uniqueResultOptional();
    }

    @Override
    public Optional<Team> find(String name) {
        Objects.requireNonNull(name, "name");
        return db.read(session -> row(session, name).map(TeamRow::toTeam));
    }

    @Override
    public List<Team> list() {
        return db.read(session -> session.createSelectionQuery("from TeamRow", TeamRow.class).getResultList()
                .stream()
                .map(TeamRow::toTeam)
                .sorted((a, b) -> a.name().compareTo(b.name()))
                .toList());
    }
}
