package dev.concourse.spi.runtime;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A process's streams.
 *
 * @param stdin  what the process reads, or null for nothing (end of input at once)
 * @param stdout where its output goes, or null to discard it
 * @param stderr where its errors go, or null to discard them
 */
public record ProcessIO(InputStream stdin, OutputStream stdout, OutputStream stderr) {
}
