/**
 * Storage implementations that come with the core: {@link dev.concourse.storage.InMemoryStorage},
 * the default {@link dev.concourse.spi.storage.Storage}, which keeps everything in the JVM's heap.
 * Other classes here are its parts and not public.
 */
package dev.concourse.storage;
