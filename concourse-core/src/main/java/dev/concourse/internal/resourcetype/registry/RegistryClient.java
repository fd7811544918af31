package dev.concourse.internal.resourcetype.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The pull side of the OCI Distribution API (v2) for one repository, on the JDK's HTTP client:
 * manifests by tag or digest, blobs by digest, each checked against its sha256 digest.
 * Anonymous, basic and bearer-token access: a {@code 401} with {@code WWW-Authenticate: Bearer
 * realm=...,service=...,scope=...} gets a token from the realm (with the credentials, if any, as
 * basic authentication) and the request is sent again with it. The credentials and tokens never
 * appear in messages. Failures are {@link RegistryException}s. Not thread-safe (it keeps the
 * token it got); one per check or get.
 */
public final class RegistryClient {
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_SMALL_BODY = 16 * 1024 * 1024;
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("([A-Za-z_]+)\\s*=\\s*(?:\"([^\"]*)\"|([^,\\s]*))");

    private final HttpClient http;
    private final ImageName name;
    private final String username;
    private final String password;
    private String authorization;

    /**
     * @param username null for anonymous access
     * @param password null for anonymous access
     */
    public RegistryClient(HttpClient http, ImageName name, String username, String password) {
        this.http = http;
        this.name = name;
        this.username = username;
        this.password = password;
    }

    /**
     * A client that follows no redirects itself (see {@link #blob}), gives up connecting after
     * 30 s and uses the JVM's default proxy selector ({@code https.proxyHost}...).
     */
    public static HttpClient newHttpClient() {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (ProxySelector.getDefault() != null) {
            builder.proxy(ProxySelector.getDefault());
        }
        return builder.build();
    }

    /** Whether {@code digest} is one this client can check: {@code sha256:} and 64 lower-case hex digits. */
    public static boolean isDigest(String digest) {
        return digest != null && DIGEST.matcher(digest).matches();
    }

    /** The digest the tag or digest {@code reference} points to, or empty if the repository has no such manifest. */
    public Optional<String> digestOf(String reference) {
        try (Response response = manifestResponse("HEAD", reference)) {
            if (response == null) {
                return Optional.empty();
            }
            Optional<String> header = response.header("Docker-Content-Digest").filter(RegistryClient::isDigest);
            if (header.isPresent()) {
                return header;
            }
        }
        // Some registries answer HEAD without the digest: the manifest's own digest is the answer.
        return manifest(reference).map(Fetched::digest);
    }

    /** A manifest by tag or digest; one fetched by digest is checked against it. Empty if missing. */
    public Optional<Fetched> manifest(String reference) {
        try (Response response = manifestResponse("GET", reference)) {
            if (response == null) {
                return Optional.empty();
            }
            byte[] body = response.readSmall(MAX_SMALL_BODY);
            String digest = "sha256:" + sha256(body);
            if (isDigest(reference) && !digest.equals(reference)) {
                throw new RegistryException("the manifest " + reference + " of " + name + " has the digest " + digest
                        + ": the registry sent something else; refusing it");
            }
            try {
                return Optional.of(new Fetched(digest, Manifest.parse(body, response.header("Content-Type")
                        .orElse(null))));
            } catch (IllegalArgumentException e) {
                throw new RegistryException("cannot use the manifest " + reference + " of " + name + ": "
                        + e.getMessage());
            }
        } catch (IOException e) {
            throw failed("read the manifest " + reference, e);
        }
    }

    /** Every tag of the repository, following the registry's pages ({@code Link: <...>; rel="next"}). */
    public List<String> tags() {
        List<String> tags = new ArrayList<>();
        URI uri = name.apiRoot().resolve(name.path() + "/tags/list");
        for (int page = 0; uri != null; page++) {
            if (page == 10_000) {
                throw new RegistryException("the tags of " + name + " do not end after 10000 pages");
            }
            try (Response response = send("GET", uri, Map.of("Accept", "application/json"))) {
                if (response.status() == 404) {
                    throw new RegistryException(name + " does not exist (the registry has no tags list for it)");
                }
                expectOk(response, "the list of tags");
                JsonNode list = JsonMapper.builder().build().readTree(response.readSmall(MAX_SMALL_BODY));
                for (JsonNode tag : list.path("tags")) {
                    tags.add(tag.asString());
                }
                URI current = uri;
                uri = response.header("Link").map(LINK_NEXT::matcher).filter(Matcher::find)
                        .map(m -> current.resolve(m.group(1))).orElse(null);
            } catch (IOException | JacksonException e) {
                throw failed("list the tags", e);
            }
        }
        return tags;
    }

    /** Whether the repository has the blob {@code digest} already. */
    public boolean hasBlob(String digest) {
        try (Response response = send("HEAD", name.apiRoot().resolve(name.path() + "/blobs/" + digest), Map.of())) {
            if (response.status() == 404) {
                return false;
            }
            expectOk(response, "the blob " + digest);
            return true;
        }
    }

    /** Uploads {@code file} as the blob {@code digest} in one request (a monolithic upload). */
    public void uploadBlob(String digest, Path file) {
        URI start = name.apiRoot().resolve(name.path() + "/blobs/uploads/");
        URI location;
        try (Response response = send("POST", start, Map.of())) {
            expectOk(response, "the start of an upload");
            location = start.resolve(response.header("Location").orElseThrow(() -> new RegistryException(name
                    + " started an upload without a Location")));
        }
        URI put = URI.create(location + (location.getQuery() == null ? "?" : "&") + "digest="
                + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        try (Response response = send("PUT", put, Map.of("Content-Type", "application/octet-stream"),
                HttpRequest.BodyPublishers.ofFile(file))) {
            expectOk(response, "the upload of " + digest);
        } catch (IOException e) {
            throw failed("upload the blob " + digest, e);
        }
    }

    /** Stores {@code manifest} under {@code tag} and returns its digest. */
    public String putManifest(String tag, String mediaType, byte[] manifest) {
        try (Response response = send("PUT", name.apiRoot().resolve(name.path() + "/manifests/" + tag),
                Map.of("Content-Type", mediaType), HttpRequest.BodyPublishers.ofByteArray(manifest))) {
            expectOk(response, "the manifest for tag " + tag);
            return "sha256:" + sha256(manifest);
        }
    }

    /** The answer to a manifest request, or null if the registry has no such manifest. */
    private Response manifestResponse(String method, String reference) {
        Response response = send(method, name.apiRoot().resolve(name.path() + "/manifests/" + reference),
                Map.of("Accept", Manifest.ACCEPT));
        if (response.status() == 404) {
            response.close();
            return null;
        }
        expectOk(response, "the manifest " + reference);
        return response;
    }

    /** A small blob (a configuration), checked against its digest. */
    public byte[] smallBlob(Descriptor descriptor) {
        try (Response response = blobResponse(descriptor)) {
            byte[] body = response.readSmall(MAX_SMALL_BODY);
            check(descriptor, "sha256:" + sha256(body), body.length);
            return body;
        } catch (IOException e) {
            throw failed("read the blob " + descriptor.digest(), e);
        }
    }

    /**
     * Downloads a blob to {@code file}, checking its digest and size once complete, and
     * following redirects (to a storage service) without the registry's credentials.
     *
     * @param cancelled checked between chunks; true stops the download with a {@link RegistryException}
     */
    public void blob(Descriptor descriptor, Path file, BooleanSupplier cancelled) {
        MessageDigest sha256 = sha256();
        long size = 0;
        try (Response response = blobResponse(descriptor); InputStream in = response.body();
                OutputStream out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[256 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (cancelled.getAsBoolean()) {
                    throw new RegistryException("the download of " + descriptor.digest() + " was aborted");
                }
                sha256.update(buffer, 0, n);
                out.write(buffer, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw failed("download the blob " + descriptor.digest(), e);
        }
        check(descriptor, "sha256:" + HexFormat.of().formatHex(sha256.digest()), size);
    }

    private Response blobResponse(Descriptor descriptor) {
        if (!isDigest(descriptor.digest())) {
            throw new RegistryException("cannot fetch the blob '" + descriptor.digest() + "' of " + name
                    + ": only sha256 digests are supported");
        }
        URI uri = name.apiRoot().resolve(name.path() + "/blobs/" + descriptor.digest());
        Response response = send("GET", uri, Map.of());
        for (int i = 0; isRedirect(response.status()); i++) {
            Optional<String> location = response.header("Location");
            response.close();
            if (location.isEmpty() || i == MAX_REDIRECTS) {
                throw new RegistryException("cannot fetch the blob " + descriptor.digest() + " of " + name
                        + ": too many redirects, or one without a Location");
            }
            uri = uri.resolve(location.get());
            response = exchange("GET", uri, Map.of(), sameServer(uri) ? authorization : null);
        }
        if (response.status() == 404) {
            response.close();
            throw new RegistryException("the blob " + descriptor.digest() + " of " + name + " is missing from the"
                    + " registry");
        }
        expectOk(response, "the blob " + descriptor.digest());
        return response;
    }

    private void check(Descriptor descriptor, String actual, long size) {
        if (!actual.equals(descriptor.digest())) {
            throw new RegistryException("the blob " + descriptor.digest() + " of " + name + " has the digest " + actual
                    + ": the registry sent something else; refusing it");
        }
        if (descriptor.size() >= 0 && size != descriptor.size()) {
            throw new RegistryException("the blob " + descriptor.digest() + " of " + name + " is " + size
                    + " bytes long, not " + descriptor.size() + " as its manifest says; refusing it");
        }
    }

    /** Sends a request with the authorization got so far, and on a 401 gets one and sends it again. */
    private Response send(String method, URI uri, Map<String, String> headers) {
        return send(method, uri, headers, HttpRequest.BodyPublishers.noBody());
    }

    private Response send(String method, URI uri, Map<String, String> headers, HttpRequest.BodyPublisher body) {
        Response response = exchange(method, uri, headers, authorization, body);
        if (response.status() != 401) {
            return response;
        }
        String challenge = response.header("WWW-Authenticate").orElse("");
        response.close();
        authorization = authenticate(challenge);
        response = exchange(method, uri, headers, authorization, body);
        if (response.status() == 401) {
            response.close();
            throw new RegistryException(username == null
                    ? name + " needs credentials: set source.username and source.password"
                    : name + " refused the credentials of source.username and source.password");
        }
        return response;
    }

    private String authenticate(String challenge) {
        int space = challenge.indexOf(' ');
        String scheme = space < 0 ? challenge : challenge.substring(0, space);
        Map<String, String> params = new LinkedHashMap<>();
        Matcher matcher = CHALLENGE_PARAM.matcher(space < 0 ? "" : challenge.substring(space + 1));
        while (matcher.find()) {
            params.put(matcher.group(1).toLowerCase(java.util.Locale.ROOT),
                    matcher.group(2) != null ? matcher.group(2) : matcher.group(3));
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            if (username == null) {
                throw new RegistryException(name + " needs credentials: set source.username and source.password");
            }
            return basic();
        }
        if (!scheme.equalsIgnoreCase("Bearer") || params.get("realm") == null) {
            throw new RegistryException(name + " asks for authentication this client does not speak ("
                    + (scheme.isEmpty() ? "no WWW-Authenticate header" : scheme) + "); anonymous, basic and bearer"
                    + " token authentication are supported");
        }
        StringBuilder query = new StringBuilder();
        if (params.get("service") != null) {
            query.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        String scope = params.getOrDefault("scope", "repository:" + name.path() + ":pull");
        query.append(query.isEmpty() ? "" : "&").append("scope=").append(URLEncoder.encode(scope,
                StandardCharsets.UTF_8));
        String realm = params.get("realm");
        URI tokenUri;
        try {
            tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(name + " names a token service that is not a URL: '" + realm + "'");
        }
        try (Response response = exchange("GET", tokenUri, Map.of(), username == null ? null : basic())) {
            if (response.status() == 401 || response.status() == 403) {
                throw new RegistryException(username == null
                        ? "the token service of " + name + " (" + realm + ") refused anonymous access: set"
                                + " source.username and source.password"
                        : "the token service of " + name + " (" + realm + ") refused the credentials of"
                                + " source.username and source.password");
            }
            expectOk(response, "a token from " + realm);
            JsonNode token = JsonMapper.builder().build().readTree(response.readSmall(MAX_SMALL_BODY));
            String value = token.path("token").isString() ? token.path("token").asString()
                    : token.path("access_token").isString() ? token.path("access_token").asString() : "";
            if (value.isEmpty()) {
                throw new RegistryException("the token service of " + name + " (" + realm + ") answered without a"
                        + " token");
            }
            return "Bearer " + value;
        } catch (IOException | JacksonException e) {
            throw failed("get a token from " + realm, e);
        }
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + (password == null ? "" : password))
                .getBytes(StandardCharsets.UTF_8));
    }

    private Response exchange(String method, URI uri, Map<String, String> headers, String auth) {
        return exchange(method, uri, headers, auth, HttpRequest.BodyPublishers.noBody());
    }

    private Response exchange(String method, URI uri, Map<String, String> headers, String auth,
            HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).method(method, body);
        headers.forEach(request::header);
        if (auth != null) {
            request.header("Authorization", auth);
        }
        try {
            return new Response(http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream()));
        } catch (IOException e) {
            throw new RegistryException("cannot reach " + uri.getScheme() + "://" + uri.getAuthority() + " for "
                    + name + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException("interrupted while talking to " + uri.getAuthority(), e);
        }
    }

    private boolean sameServer(URI uri) {
        URI api = name.apiRoot();
        return api.getScheme().equals(uri.getScheme()) && api.getAuthority().equals(uri.getAuthority());
    }

    private void expectOk(Response response, String what) {
        if (response.status() / 100 != 2) {
            String detail;
            try {
                detail = new String(response.body().readNBytes(300), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                detail = "";
            }
            response.close();
            throw new RegistryException(name + " answered " + response.status() + " for " + what
                    + (detail.isEmpty() ? "" : ": " + detail));
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private RegistryException failed(String what, Exception e) {
        return e instanceof RegistryException r ? r
                : new RegistryException("cannot " + what + " of " + name + ": " + e.getMessage(), e);
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** A manifest and its digest. */
    public record Fetched(String digest, Manifest manifest) {
    }

    private record Response(HttpResponse<InputStream> response) implements AutoCloseable {
        int status() {
            return response.statusCode();
        }

        Optional<String> header(String header) {
            return response.headers().firstValue(header);
        }

        InputStream body() {
            return response.body();
        }

        byte[] readSmall(int limit) throws IOException {
            byte[] body = response.body().readNBytes(limit + 1);
            if (body.length > limit) {
                throw new IOException("the answer is larger than " + limit + " bytes");
            }
            return body;
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException e) {
                // nothing more to read from it anyway
            }
        }
    }
}
