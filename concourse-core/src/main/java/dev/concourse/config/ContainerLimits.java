package dev.concourse.config;

/**
 * {@code container_limits}. Memory is given in bytes in the model; in YAML it may be written as a
 * number of bytes or with a unit ({@code 512MB}, {@code 1GiB}; K, M and G are binary units).
 *
 * @param cpu    CPU shares, or null for no limit
 * @param memory memory in bytes, or null for no limit
 */
public record ContainerLimits(Long cpu, Long memory) {
}
