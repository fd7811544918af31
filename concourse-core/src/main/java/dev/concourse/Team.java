package dev.concourse;

/**
 * A team: owns pipelines, builds and (optionally) workers.
 *
 * @param id   the store's id
 * @param name the team's name
 */
public record Team(long id, String name) {
    /** The team every engine has, whose members administer the engine. */
    public static final String MAIN = "main";
}
