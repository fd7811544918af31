/**
 * The native resource types the engine ships: {@link dev.concourse.resourcetype.MockResource}
 * ({@code mock}), {@link dev.concourse.resourcetype.TimeResource} ({@code time}),
 * {@link dev.concourse.resourcetype.LocalImageResource} ({@code local-image}) and
 * {@link dev.concourse.resourcetype.RegistryImageResource} ({@code registry-image}), implementations of
 * {@link dev.concourse.spi.resource.ResourceType} that run inside the engine's JVM.
 *
 * <p>They live apart from {@code dev.concourse.resource} (the data every resource deals in:
 * versions, metadata, results) because the SPI uses that data: implementations of the SPI in the
 * same area would make the areas depend on each other in a cycle.
 */
package dev.concourse.resourcetype;
