package dev.concourse.testkit;

import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The native resource type every resource of a pipeline under test is rewritten to
 * ({@link PipelineRewrite}): its {@code source} names the resource, whose {@link ScriptedResource}
 * answers. A resource the test never scripted, of one of the engine's native types, is passed to
 * that type with its original source.
 */
final class ScriptedResourceType implements ResourceType {
    static final String NAME = "test-kit-scripted";
    static final String RESOURCE_KEY = "test_kit_resource";
    static final String TYPE_KEY = "test_kit_type";
    static final String SOURCE_KEY = "test_kit_source";

    private final Function<String, ScriptedResource> scripts;
    private final Map<String, ResourceType> natives;

    ScriptedResourceType(Function<String, ScriptedResource> scripts, Map<String, ResourceType> natives) {
        this.scripts = scripts;
        this.natives = Map.copyOf(natives);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Version> check(ResourceRequest request) {
        ScriptedResource script = script(request);
        ResourceType real = realType(request, script);
        if (real != null) {
            return real.check(original(request));
        }
        return script.check(request.version());
    }

    @Override
    public ResourceResult get(ResourceRequest request, Path directory) {
        ScriptedResource script = script(request);
        ResourceType real = realType(request, script);
        if (real != null) {
            ResourceResult result = real.get(original(request), directory);
            script.recordFetch(result.version());
            return result;
        }
        try {
            Path copy = script.directoryToCopy();
            if (copy != null) {
                copyTree(copy, directory);
            }
            for (Map.Entry<String, String> file : script.files().entrySet()) {
                Path target = directory.resolve(file.getKey()).normalize();
                if (!target.startsWith(directory)) {
                    throw new ResourceException("resource '" + script.name() + "': file '" + file.getKey()
                            + "' lies outside the artifact");
                }
                Files.createDirectories(target.getParent());
                Files.writeString(target, file.getValue(), StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("resource '" + script.name() + "': cannot write its files: "
                    + e.getMessage(), e);
        }
        script.recordFetch(request.version());
        return new ResourceResult(request.version(), List.of(new MetadataField("scripted", "true")));
    }

    @Override
    public ResourceResult put(ResourceRequest request, Path directory) {
        ScriptedResource script = script(request);
        ResourceType real = realType(request, script);
        Version created = script.recordPut(request.params());
        if (real != null) {
            return real.put(original(request), directory);
        }
        return ResourceResult.of(created);
    }

    private ScriptedResource script(ResourceRequest request) {
        Object name = request.source().get(RESOURCE_KEY);
        if (!(name instanceof String resource)) {
            throw new ResourceException("the test kit's resource type got a source without '" + RESOURCE_KEY
                    + "'; only pipelines set by a PipelineHarness use it");
        }
        return scripts.apply(resource);
    }

    private ResourceType realType(ResourceRequest request, ScriptedResource script) {
        if (script.touched()) {
            return null;
        }
        Object type = request.source().get(TYPE_KEY);
        return type == null ? null : natives.get(type.toString());
    }

    @SuppressWarnings("unchecked") // the rewrite put the original source, a map, under SOURCE_KEY
    private static ResourceRequest original(ResourceRequest request) {
        Object source = request.source().get(SOURCE_KEY);
        Map<String, Object> original = source instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return new ResourceRequest(original, request.params(), request.version(), request.environment(),
                request.log(), request.cancelled());
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                if (!dir.equals(from) && (name.equals(".git") || name.startsWith("target"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
