package dev.concourse.config;

/**
 * {@code build_log_retention}: how many builds' logs a job keeps. Zero means "not set".
 *
 * @param builds                 keep the logs of this many most recent builds
 * @param minimumSucceededBuilds of which at least this many succeeded builds
 * @param days                   keep logs of builds from the last this many days
 */
public record BuildLogRetention(int builds, int minimumSucceededBuilds, int days) {
}
