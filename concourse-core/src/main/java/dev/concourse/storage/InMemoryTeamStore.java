package dev.concourse.storage;

import dev.concourse.Team;
import dev.concourse.spi.storage.TeamStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

final class InMemoryTeamStore implements TeamStore {
    private final Transactions transactions;
    private final Tables tables;

    InMemoryTeamStore(Transactions transactions, Tables tables) {
        this.transactions = transactions;
        this.tables = tables;
    }

    @Override
    public Team createIfAbsent(String name) {
        Objects.requireNonNull(name, "name");
        Team known = transactions.read(() -> tables.teams.get(name));
        if (known != null) {
            return known;
        }
        return transactions.write(() -> {
            Team existing = tables.teams.get(name);
            if (existing != null) {
                return existing;
            }
            Team team = new Team(tables.teamSeq.incrementAndGet(), name);
            transactions.put(tables.teams, name, team);
            return team;
        });
    }

    @Override
    public Optional<Team> find(String name) {
        Objects.requireNonNull(name, "name");
        return transactions.read(() -> Optional.ofNullable(tables.teams.get(name)));
    }

    @Override
    public List<Team> list() {
        return transactions.read(() -> List.copyOf(tables.teams.values()));
    }
}
