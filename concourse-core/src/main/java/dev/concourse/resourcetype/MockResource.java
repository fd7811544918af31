package dev.concourse.resourcetype;

import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code mock} resource type, the one Concourse's own pipeline tests use
 * ({@code concourse/mock-resource}), in Java: versions are {@code {version: <string>}} and come
 * from its {@code source} or a put's {@code params}, so pipelines can be run and tested without
 * any outside system.
 *
 * <h2>source</h2>
 * <ul>
 *   <li>{@code initial_version} (default {@code mock}): what the first check finds;</li>
 *   <li>{@code no_initial_version} ({@code true}/{@code false}): the first check finds nothing,
 *       so versions come only from puts;</li>
 *   <li>{@code force_version}: every check finds exactly this version;</li>
 *   <li>{@code check_failure}: every check fails with this text as its error;</li>
 *   <li>{@code create_files} (map of relative path to content): files a get writes;</li>
 *   <li>{@code metadata} (list of {@code {name, value}}): metadata reported by get and put;</li>
 *   <li>{@code log}: a line every check, get and put writes to the step's log first;</li>
 *   <li>{@code mirror_self}, {@code privileged}: accepted and ignored (the real mock uses them to
 *       serve its own image and to report whether its container was privileged, which has no
 *       meaning for a type running in the engine).</li>
 * </ul>
 *
 * <h2>check, get, put</h2>
 * A check from a version finds that version again (or {@code force_version}); there is never a
 * newer one unless a put makes it. A get writes the file {@code version} holding the version's
 * {@code version} field, then the {@code create_files}. A put's version is its
 * {@code params.version}, or else the trimmed content of {@code params.file} (a path relative to
 * the put's directory, such as {@code built/number}); with neither it errors. Put param
 * {@code print_env: true} writes the build's {@code BUILD_*} variables to the log, one
 * {@code NAME=value} per line, sorted.
 *
 * <p>Stateless and thread-safe.
 */
public final class MockResource implements ResourceType {
    /** The name pipelines use: {@code mock}. */
    public static final String NAME = "mock";
    private static final String DEFAULT_INITIAL_VERSION = "mock";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Version> check(ResourceRequest request) {
        Fields source = Fields.source(NAME, request.source());
        log(request, source);
        String failure = source.string("check_failure", null);
        if (failure != null) {
            throw new ResourceException(failure);
        }
        String forced = source.string("force_version", null);
        if (forced != null) {
            return List.of(version(forced));
        }
        if (request.version() != null) {
            return List.of(request.version());
        }
        if (source.bool("no_initial_version")) {
            return List.of();
        }
        return List.of(version(source.string("initial_version", DEFAULT_INITIAL_VERSION)));
    }

    @Override
    public ResourceResult get(ResourceRequest request, Path directory) {
        Fields source = Fields.source(NAME, request.source());
        log(request, source);
        List<MetadataField> metadata = source.metadata("metadata");
        Map<String, String> files = source.stringMap("create_files");
        if (request.version() == null) {
            throw new ResourceException("mock resource: get needs a version to fetch");
        }
        write(directory.resolve("version"), request.version().fields().getOrDefault("version", ""));
        files.forEach((path, content) -> write(Fields.inside(directory, path, NAME, "create_files path"), content));
        return new ResourceResult(request.version(), metadata);
    }

    @Override
    public ResourceResult put(ResourceRequest request, Path directory) {
        Fields source = Fields.source(NAME, request.source());
        Fields params = Fields.params(NAME, request.params());
        log(request, source);
        List<MetadataField> metadata = source.metadata("metadata");
        if (params.bool("print_env")) {
            new TreeMap<>(request.environment()).forEach((name, value) -> {
                if (name.startsWith("BUILD_")) {
                    request.logLine(name + "=" + value);
                }
            });
        }
        String version = params.string("version", null);
        if (version == null) {
            String file = params.string("file", null);
            if (file == null) {
                throw new ResourceException("mock resource: put needs params.version (the version to create) or "
                        + "params.file (a file in the put's inputs holding it)");
            }
            version = read(Fields.inside(directory, file, NAME, "params.file"), file).strip();
        }
        return new ResourceResult(version(version), metadata);
    }

    private static Version version(String value) {
        return Version.of("version", value);
    }

    private static void log(ResourceRequest request, Fields source) {
        String line = source.string("log", null);
        if (line != null) {
            request.logLine(line);
        }
    }

    private static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ResourceException("mock resource: cannot write " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path file, String name) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ResourceException("mock resource: params.file '" + name + "' does not exist in the put's "
                    + "inputs; is the artifact that should hold it an input of the put step?", e);
        } catch (IOException e) {
            throw new ResourceException("mock resource: cannot read params.file '" + name + "': " + e.getMessage(), e);
        }
    }
}
