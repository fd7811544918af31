package dev.concourse.spi.resource;

import dev.concourse.resource.Version;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One call of a {@link ResourceType}: what Concourse passes a resource script on stdin
 * ({@code source}, {@code params}, {@code version}) and in its environment, plus where its log
 * goes and whether it has been cancelled.
 *
 * @param source      the resource's {@code source}, with its type's {@code defaults} merged in
 *                    and its vars resolved; values are what YAML gives (strings, numbers, booleans,
 *                    lists, maps, null); never null, may be empty
 * @param params      the step's {@code params} ({@code get}/{@code put}); empty for {@code check}
 * @param version     the version to check from or to fetch; null on a first check and for {@code put}
 * @param environment the build's metadata ({@code BUILD_ID}, {@code BUILD_NAME},
 *                    {@code BUILD_PIPELINE_NAME}, {@code ATC_EXTERNAL_URL}...) as a container type
 *                    would get it in its environment; empty for {@code check}
 * @param log         the step's stderr in the build log; never null, not to be closed
 * @param cancelled   true once the step has been aborted or timed out
 */
public record ResourceRequest(Map<String, Object> source, Map<String, Object> params, Version version,
        Map<String, String> environment, OutputStream log, BooleanSupplier cancelled) {

    /** Copies the maps (keeping their order and null values); a null map becomes an empty one. */
    public ResourceRequest {
        source = copy(source);
        params = copy(params);
        environment = environment == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(environment));
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(cancelled, "cancelled");
    }

    /** A request that is never cancelled and logs nowhere: for checks, and tests of a type. */
    public static ResourceRequest of(Map<String, Object> source, Version version) {
        return new ResourceRequest(source, Map.of(), version, Map.of(), OutputStream.nullOutputStream(), () -> false);
    }

    /** Whether the step was aborted or timed out: stop soon. */
    public boolean isCancelled() {
        return cancelled.getAsBoolean();
    }

    /** Writes {@code line} and a newline to the {@linkplain #log() log}, as UTF-8. */
    public void logLine(String line) {
        try {
            log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the step's log: " + e.getMessage(), e);
        }
    }

    private static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
