package dev.concourse.resourcetype;

import dev.concourse.internal.resourcetype.registry.ImageConfig;
import dev.concourse.internal.resourcetype.registry.ImageName;
import dev.concourse.internal.resourcetype.registry.ImagePull;
import dev.concourse.internal.resourcetype.registry.ImagePush;
import dev.concourse.internal.resourcetype.registry.Manifest;
import dev.concourse.internal.resourcetype.registry.Platform;
import dev.concourse.internal.resourcetype.registry.RegexTags;
import dev.concourse.internal.resourcetype.registry.RegistryClient;
import dev.concourse.internal.resourcetype.registry.RegistryException;
import dev.concourse.internal.resourcetype.registry.SemverTags;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code registry-image} resource type in Java: images from a registry speaking the OCI
 * Distribution API (Docker Hub, GHCR, Harbor, a {@code registry:2}...), as Concourse's
 * {@code concourse/registry-image-resource} fetches them, so that pipelines written for
 * Concourse get their {@code image_resource} and custom types' images unchanged.
 *
 * <pre>
 * image_resource:
 *   type: registry-image
 *   source: {repository: busybox, tag: "1.36"}
 * </pre>
 *
 * <h2>source</h2>
 * {@code repository} (required): {@code busybox} (Docker Hub's {@code library/busybox}),
 * {@code team/app} (Docker Hub), {@code registry.example.com:5000/team/app}; loopback registries
 * ({@code localhost}, {@code 127.0.0.1}) are spoken to over plain HTTP, others over HTTPS unless
 * {@code insecure: true}. {@code tag}: the tag to check; without it, the semver tags are
 * checked ({@code variant}, {@code pre_releases}, {@code pre_release_prefixes} as in the Go
 * resource), or with {@code tag_regex} the matching tags ({@code created_at_sort} orders them by
 * their images' creation). {@code username} and {@code password}: basic credentials, for the
 * registry or its token service. {@code platform}: {@code {os, architecture}} of the image to take
 * from an index (default {@code linux} and this JVM's architecture; {@code arm64/v8} names a
 * variant). The other keys of the Go resource ({@code semver_constraint}, ECR, ACR, mirrors,
 * content trust, CA certificates, label and annotation metadata) are refused with a message
 * naming the key.
 *
 * <h2>check, get, put</h2>
 * A check of a {@code tag} finds the digest the tag points to, {@code {tag, digest}} (an index's
 * digest for a multi-platform image); from a version whose digest the tag no longer points to, it
 * returns that version first if the registry still has it, as the Go resource does. A tag the
 * repository does not have finds nothing. Without {@code tag}, see {@code SemverTags} and
 * {@code RegexTags}.
 *
 * <p>A get writes {@code tag}, {@code digest}, {@code repository} and {@code labels.json}, and
 * with {@code params.format: rootfs} (the default) {@code rootfs/} (the layers applied in order,
 * whiteouts included, owners kept when the engine runs as root) and {@code metadata.json}
 * ({@code env}, {@code user}, {@code entrypoint}, {@code cmd}); with {@code format: oci},
 * {@code image.tar} as {@code docker save} writes it. {@code params.skip_download: true} writes
 * only the first three; {@code params.platform} overrides the source's. Every manifest and blob
 * is checked against its sha256 digest.
 *
 * <p>A put pushes {@code params.image}, an archive as {@code docker save} writes it, to
 * {@code source.tag} (default {@code latest}) and the tags in the file
 * {@code params.additional_tags}, as a Docker schema 2 manifest.
 *
 * <p>Thread-safe.
 */
public final class RegistryImageResource implements ResourceType {
    /** The name pipelines use: {@code registry-image}. */
    public static final String NAME = "registry-image";
    private static final List<String> UNSUPPORTED_SOURCE = List.of("semver_constraint", "aws_access_key_id",
            "aws_secret_access_key",
            "aws_session_token", "aws_region", "aws_role_arn", "aws_role_arns", "aws_account_id",
            "aws_ecr_registry_id", "azure_acr", "azure_client_id", "azure_tenant_id", "azure_environment",
            "registry_mirror", "content_trust", "ca_certs", "label_regex", "annotation_regex");

    private final HttpClient http;

    /** A type with an HTTP client of its own (the JVM's default proxy selector, 30 s to connect). */
    public RegistryImageResource() {
        this(RegistryClient.newHttpClient());
    }

    /** A type that talks through {@code http}, which must not follow redirects itself. */
    public RegistryImageResource(HttpClient http) {
        this.http = http;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Version> check(ResourceRequest request) {
        Source source = Source.of(request.source());
        RegistryClient client = source.client(http);
        Version from = request.version();
        try {
            if (source.tag() == null && source.tagRegex() != null) {
                ImagePull images = new ImagePull(client, source.name(), request::logLine, request::isCancelled);
                return new RegexTags(source.tagRegex(), source.createdAtSort())
                        .check(client, images, source.platform()).stream()
                        .map(f -> new Version(Map.of("tag", f.tag(), "digest", f.digest()))).toList();
            }
            if (source.tag() == null) {
                SemverTags.Found cursor = from != null && from.fields().get("tag") != null
                        && from.fields().get("digest") != null
                        ? new SemverTags.Found(from.fields().get("tag"), from.fields().get("digest")) : null;
                return new SemverTags(source.variant(), source.preReleases(), source.preReleasePrefixes())
                        .check(client, cursor).stream()
                        .map(f -> new Version(Map.of("tag", f.tag(), "digest", f.digest()))).toList();
            }
            var current = client.digestOf(source.tag());
            List<Version> versions = new ArrayList<>();
            if (from != null && current.isPresent() && from.fields().get("digest") instanceof String old
                    && !old.equals(current.get()) && RegistryClient.isDigest(old)
                    && client.digestOf(old).isPresent()) {
                versions.add(new Version(Map.of("tag", source.tag(), "digest", old)));
            }
            current.ifPresent(digest -> versions.add(new Version(Map.of("tag", source.tag(), "digest", digest))));
            return versions;
        } catch (RegistryException e) {
            throw new ResourceException(NAME + " resource: check of " + source.name()
                    + (source.tag() == null ? "" : ":" + source.tag()) + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public ResourceResult get(ResourceRequest request, Path directory) {
        Source source = Source.of(request.source());
        Fields params = Fields.params(NAME, request.params());
        String format = params.string("format", "rootfs");
        if (!format.equals("rootfs") && !format.equals("oci")) {
            throw params.invalid("format", format.equals("oci-layout")
                    ? "'oci-layout' is not supported by the built-in registry-image; use rootfs (the default) or oci"
                    : "must be rootfs, oci or oci-layout, not '" + format + "'");
        }
        Platform platform = params.has("platform") ? platform(params) : source.platform();
        RegistryClient client = source.client(http);
        Version version = request.version();
        try {
            if (version == null) {
                List<Version> found = check(request);
                if (found.isEmpty()) {
                    throw new RegistryException(source.name() + (source.tag() == null ? " has no semver tags and no"
                            + " 'latest'" : " has no tag '" + source.tag() + "'"));
                }
                version = found.getLast();
            }
            if (!(version.fields().get("digest") instanceof String digest) || !RegistryClient.isDigest(digest)) {
                throw new ResourceException(NAME + " resource: the version " + version.fields() + " has no"
                        + " sha256 'digest'");
            }
            String tag = version.fields().get("tag") instanceof String t ? t
                    : source.tag() == null ? "latest" : source.tag();
            Files.writeString(directory.resolve("tag"), tag, StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("digest"), digest, StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("repository"), source.repository(), StandardCharsets.UTF_8);
            if (!params.bool("skip_download")) {
                request.logLine("fetching " + source.name() + "@" + digest + " for " + platform);
                ImagePull pull = new ImagePull(client, source.name(), request::logLine, request::isCancelled);
                Manifest.Image image = pull.image(digest, platform);
                byte[] blob = pull.configBlob(image);
                ImageConfig config = pull.config(image, blob);
                if (format.equals("oci")) {
                    pull.saveArchive(image, blob, source.repository() + ":" + tag, directory.resolve("image.tar"),
                            directory.resolve(".registry-image-blobs"));
                } else {
                    pull.unpack(image, directory.resolve("rootfs"), directory.resolve(".registry-image-layer"));
                    Files.writeString(directory.resolve("metadata.json"), config.metadataJson(),
                            StandardCharsets.UTF_8);
                }
                Files.writeString(directory.resolve("labels.json"), config.labelsJson(), StandardCharsets.UTF_8);
            }
            return new ResourceResult(version, List.of(new MetadataField("repository", source.repository()),
                    new MetadataField("tag", tag)));
        } catch (RegistryException e) {
            throw new ResourceException(NAME + " resource: get of " + source.name() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ResourceException(NAME + " resource: cannot write the image of " + source.name() + " into "
                    + directory + ": " + e, e);
        }
    }

    @Override
    public ResourceResult put(ResourceRequest request, Path directory) {
        Source source = Source.of(request.source());
        Fields params = Fields.params(NAME, request.params());
        for (String key : List.of("version", "bump_aliases", "tag_prefix")) {
            if (params.has(key)) {
                throw params.invalid(key, "is not supported by the built-in registry-image, which pushes to"
                        + " source.tag and additional_tags; use the container type for semver tags");
            }
        }
        String image = params.string("image", null);
        if (image == null) {
            throw params.invalid("image", "is required: the path of an image archive (docker save format, as"
                    + " oci-build-task writes image/image.tar)");
        }
        Path archive = Fields.inside(directory, image, NAME, "params.image");
        if (!Files.isRegularFile(archive)) {
            throw params.invalid("image", "'" + image + "' is not a file in the put's directory");
        }
        List<String> tags = new ArrayList<>();
        tags.add(source.tag() == null ? "latest" : source.tag());
        String additional = params.string("additional_tags", null);
        try {
            if (additional != null) {
                Path file = Fields.inside(directory, additional, NAME, "params.additional_tags");
                for (String tag : Files.readString(file, StandardCharsets.UTF_8).trim().split("\\s+")) {
                    if (!tag.isEmpty() && !tags.contains(tag)) {
                        tags.add(tag);
                    }
                }
            }
            for (String tag : tags) {
                if (!tag.matches("[\\w][\\w.-]{0,127}")) {
                    throw params.invalid("additional_tags", "'" + tag + "' is not a tag");
                }
            }
            String digest = new ImagePush(source.client(http), source.name(), request::logLine, request::isCancelled)
                    .push(archive, tags, Files.createTempDirectory("registry-image-push"));
            return new ResourceResult(new Version(Map.of("tag", tags.getFirst(), "digest", digest)), List.of(
                    new MetadataField("repository", source.repository()), new MetadataField("tag", tags.getFirst())));
        } catch (RegistryException e) {
            throw new ResourceException(NAME + " resource: put to " + source.name() + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ResourceException(NAME + " resource: cannot push " + image + " to " + source.name() + ": " + e,
                    e);
        }
    }

    private static Platform platform(Fields fields) {
        Map<String, String> platform = fields.stringMap("platform");
        for (String key : platform.keySet()) {
            if (!key.equals("os") && !key.equals("architecture")) {
                throw fields.invalid("platform." + key, "is not a platform field; use os and architecture");
            }
        }
        return Platform.of(platform.get("os"), platform.get("architecture"));
    }

    /** A source; {@code tag} is null when not given (a check of semver tags). */
    private record Source(String repository, ImageName name, String tag, String username, String password,
            Platform platform, String variant, boolean preReleases, List<String> preReleasePrefixes,
            Pattern tagRegex, boolean createdAtSort) {

        static Source of(Map<String, Object> values) {
            Fields fields = Fields.source(NAME, values);
            for (String key : UNSUPPORTED_SOURCE) {
                if (fields.has(key)) {
                    throw fields.invalid(key, "is not supported by the built-in registry-image;"
                            + " remove it, or add a resource_types entry named registry-image with the container"
                            + " type (concourse/registry-image-resource) on a runtime with containers");
                }
            }
            String repository = fields.string("repository", null);
            if (repository == null) {
                throw fields.invalid("repository", "is required: the image's repository, such as busybox or"
                        + " registry.example.com/team/app");
            }
            ImageName name;
            try {
                name = ImageName.parse(repository, fields.bool("insecure"));
            } catch (IllegalArgumentException e) {
                throw fields.invalid("repository", e.getMessage());
            }
            Object rawTag = values.get("tag");
            String tag = rawTag instanceof Number n ? n.toString() : fields.string("tag", null);
            if (tag != null && !tag.matches("[\\w][\\w.-]{0,127}")) {
                throw fields.invalid("tag", "'" + tag + "' is not a tag (letters, digits, _ . -, at most 128)");
            }
            String username = fields.string("username", null);
            String password = fields.string("password", null);
            if ((username == null) != (password == null)) {
                throw fields.invalid(username == null ? "username" : "password", "is needed too: give both"
                        + " username and password, or neither");
            }
            List<String> prefixes = fields.stringList("pre_release_prefixes");
            boolean preReleases = fields.bool("pre_releases");
            if (!prefixes.isEmpty() && !preReleases) {
                throw fields.invalid("pre_release_prefixes", "needs pre_releases: true");
            }
            Pattern tagRegex = null;
            String regex = fields.string("tag_regex", null);
            if (regex != null) {
                try {
                    tagRegex = Pattern.compile(regex);
                } catch (PatternSyntaxException e) {
                    throw fields.invalid("tag_regex", "is not a regular expression: " + e.getDescription());
                }
            }
            return new Source(repository, name, tag, username, password, RegistryImageResource.platform(fields),
                    fields.string("variant", ""), preReleases, prefixes, tagRegex, fields.bool("created_at_sort"));
        }

        RegistryClient client(HttpClient http) {
            return new RegistryClient(http, name, username, password);
        }

        @Override
        public String toString() {
            return "Source[" + name + (tag == null ? "" : ":" + tag) + "]"; // never the password
        }
    }
}
