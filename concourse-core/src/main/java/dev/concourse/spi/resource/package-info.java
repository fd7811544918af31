/**
 * The resource type SPI: {@link dev.concourse.spi.resource.ResourceType} for resource types
 * written in Java and run in the engine's JVM. Container resource types need no Java: they are
 * images with {@code /opt/resource/check}, {@code in} and {@code out}, run by the engine with
 * Concourse's protocol (see {@code docs/resources.md}).
 */
package dev.concourse.spi.resource;
