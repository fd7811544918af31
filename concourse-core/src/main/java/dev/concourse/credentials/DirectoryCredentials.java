package dev.concourse.credentials;

import dev.concourse.spi.credentials.CredentialLookupException;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Secrets as files in a directory, one file per secret: mounted secrets as Kubernetes, Docker and
 * systemd provide them.
 *
 * <p>A lookup path is a path below the directory. With the default lookup templates,
 * {@code ((github-token))} in pipeline {@code ci} of team {@code main} is read from
 * {@code <dir>/main/ci/github-token}, else {@code <dir>/main/github-token}. The file's content,
 * as UTF-8, is the value, without one trailing newline ({@code \n} or {@code \r\n}). A directory
 * marked as a secret is a map: each file in it is a field ({@code <dir>/main/registry/user} is
 * {@code ((registry.user))}), each subdirectory a nested map. A directory is marked by a file named
 * {@value #MAP_MARKER} in it, or by Kubernetes' {@code ..data} link (every mounted Kubernetes secret
 * has one). Unmarked directories are folders, such as a pipeline's {@code <dir>/main/ci}, and are
 * never values: otherwise a var {@code ((ci.token))} of another pipeline of the team would fall
 * back to the team-scope path {@code <dir>/main/ci} and read pipeline {@code ci}'s secrets.
 * Entries whose names start with {@code .} are left out of maps.
 *
 * <p>Lookups never leave the directory: a path with an empty, {@code .} or {@code ..} segment
 * (possible with quoted var names, {@code (("../x"))}) fails, and so does a symbolic link that
 * points outside (Kubernetes' links point inside and work). Files larger than 1 MiB and files
 * that are not UTF-8 fail too. None of these failures is retried.
 *
 * <p>Files are read on every lookup (enable the engine's cache to read less often), so rotated
 * secrets are seen at once. Immutable and thread-safe.
 */
public final class DirectoryCredentials implements CredentialManager {

    private static final long MAX_FILE_SIZE = 1024 * 1024;
    private static final int MAX_DEPTH = 16;

    private final String id;
    private final Path root;
    private final Path realRoot;
    private final List<LookupTemplate> templates;

    private DirectoryCredentials(String id, Path root, Path realRoot, List<LookupTemplate> templates) {
        this.id = id;
        this.root = root;
        this.realRoot = realRoot;
        this.templates = templates;
    }

    /**
     * Secrets below {@code directory}, id {@code directory}, the default lookup templates.
     *
     * @throws IllegalArgumentException if {@code directory} is not an existing directory
     */
    public static DirectoryCredentials of(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path root = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("secrets directory " + root + " does not exist or is not a "
                    + "directory; create it or mount the secrets there");
        }
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read secrets directory " + root + ": " + e.getMessage(), e);
        }
        return new DirectoryCredentials("directory", root, realRoot, LookupTemplate.defaults());
    }

    /** These secrets under another {@link #id()}. */
    public DirectoryCredentials withId(String id) {
        return new DirectoryCredentials(Objects.requireNonNull(id, "id"), root, realRoot, templates);
    }

    /**
     * These secrets looked up with other templates, tried in order.
     *
     * @throws IllegalArgumentException if a template is invalid, see {@link LookupTemplate#parse}
     */
    public DirectoryCredentials withLookupTemplates(String... templates) {
        return new DirectoryCredentials(id, root, realRoot, LookupTemplate.parseAll(List.of(templates)));
    }

    /** The directory, absolute. */
    public Path directory() {
        return root;
    }

    @Override
    public String id() {
        return id;
    }

    /**
     * {@inheritDoc}
     *
     * @throws CredentialLookupException (not retryable) if the path would leave the directory or
     *     the file is too large or not UTF-8; (retryable) if it cannot be read
     */
    @Override
    public Optional<Secret> lookup(String path) {
        Path file = resolve(path);
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try {
            Path real = inside(file, path);
            if (Files.isRegularFile(real)) {
                return Optional.of(Secret.of(read(real, path)));
            }
            if (Files.isDirectory(real)) {
                if (!isMarkedSecret(real)) {
                    return Optional.empty();
                }
                return Optional.of(Secret.of(readDirectory(real, path, 0)));
            }
            return Optional.empty();
        } catch (NoSuchFileException e) {
            // A dangling link, or a file removed while being read (a secret rotating).
            return Optional.empty();
        } catch (IOException e) {
            throw new CredentialLookupException("cannot read secret '" + path + "' in " + root + ": " + e, e);
        }
    }

    /** The file that marks a directory as a map-valued secret. */
    public static final String MAP_MARKER = ".secret";

    private static boolean isMarkedSecret(Path directory) {
        return Files.exists(directory.resolve(MAP_MARKER), LinkOption.NOFOLLOW_LINKS)
                || Files.exists(directory.resolve("..data"), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public List<LookupTemplate> lookupTemplates() {
        return templates;
    }

    @Override
    public String toString() {
        return "DirectoryCredentials[" + id + ", " + root + "]";
    }

    private Path resolve(String path) {
        int start = 0;
        while (start < path.length() && path.charAt(start) == '/') {
            start++;
        }
        String relative = path.substring(start);
        Path file = root;
        for (String segment : relative.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0) {
                throw new CredentialLookupException("refusing secret path '" + path + "': it has an empty, '.' or "
                        + "'..' segment, and lookups must stay inside " + root + "; check the var name", null, false);
            }
            file = file.resolve(segment);
        }
        return file;
    }

    private Path inside(Path file, String path) throws IOException {
        Path real = file.toRealPath();
        if (!real.startsWith(realRoot)) {
            throw new CredentialLookupException("refusing secret path '" + path + "': it is a link to a file outside "
                    + root + "; secrets must be inside the directory", null, false);
        }
        return real;
    }

    private static String read(Path file, String path) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_SIZE) {
            throw new CredentialLookupException("secret '" + path + "' is a file of " + size + " bytes; "
                    + "secret files can be at most " + MAX_FILE_SIZE + " bytes", null, false);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new CredentialLookupException("secret '" + path + "' is not UTF-8 text; store binary secrets "
                    + "base64-encoded", e, false);
        }
        if (text.endsWith("\r\n")) {
            return text.substring(0, text.length() - 2);
        }
        if (text.endsWith("\n")) {
            return text.substring(0, text.length() - 1);
        }
        return text;
    }

    private Map<String, Object> readDirectory(Path directory, String path, int depth) throws IOException {
        if (depth >= MAX_DEPTH) {
            throw new CredentialLookupException("secret '" + path + "' is a directory nested more than "
                    + MAX_DEPTH + " levels deep", null, false);
        }
        List<Path> entries = new ArrayList<>();
        try (Stream<Path> list = Files.list(directory)) {
            list.filter(p -> !p.getFileName().toString().startsWith(".")).forEach(entries::add);
        }
        entries.sort(null);
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Path entry : entries) {
            String field = entry.getFileName().toString();
            String fieldPath = path + "/" + field;
            Path real;
            try {
                real = inside(entry, fieldPath);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (Files.isRegularFile(real)) {
                fields.put(field, read(real, fieldPath));
            } else if (Files.isDirectory(real)) {
                fields.put(field, readDirectory(real, fieldPath, depth + 1));
            }
        }
        return Collections.unmodifiableMap(fields);
    }
}
