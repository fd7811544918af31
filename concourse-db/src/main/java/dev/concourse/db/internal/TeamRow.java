package dev.concourse.db.internal;

import dev.concourse.Team;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

@Entity
@Table(name = "concourse_team")
class TeamRow {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    long id;

    @Column(nullable = false)
    String name;

    TeamRow() {
    }

    TeamRow(String name) {
        this.name = name;
    }

    Team toTeam() {
        return new Team(id, name);
    }
}
