/**
 * What the engine does with the runtime's processes and volumes beyond the runtime SPI itself:
 * stopping or detaching a step's process ({@link dev.concourse.internal.runtime.ProcessStopper})
 * and tar streams ({@code tar}).
 */
package dev.concourse.internal.runtime;
