package dev.concourse.resourcetype;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small OCI registry for tests, on 127.0.0.1 (plain HTTP, as for any loopback registry): the
 * pull side of the Distribution API ({@code GET}/{@code HEAD} of manifests by tag or digest,
 * {@code GET} of blobs, served through a redirect to {@code /storage/} as registries backed by
 * object storage do) and, when {@link #requireToken}, Docker Hub's token flow: {@code /v2/}
 * requests without a valid bearer token get {@code 401} with a {@code WWW-Authenticate: Bearer}
 * challenge naming the {@code /token} endpoint, which takes basic credentials. Pushes: monolithic
 * blob uploads ({@code POST} then {@code PUT ...?digest=}, the digest checked) and manifests put
 * under a tag.
 */
public final class TestRegistry implements AutoCloseable {
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String GZIP_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
    private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
    private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/(.*)");
    /** Tags per page of {@code tags/list}, small so that clients must follow the {@code Link} header. */
    private static final int TAGS_PAGE = 3;
    private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");

    private final HttpServer server;
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, Stored> manifests = new ConcurrentHashMap<>();
    private final Map<String, byte[]> tampered = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String username;
    private volatile String password;

    private record Stored(String mediaType, byte[] body) {
    }

    public TestRegistry() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code 127.0.0.1:port}, the host part of repositories. */
    public String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on {@code /v2/} needs a bearer token, which {@code /token} gives for these credentials. */
    public TestRegistry requireToken(String user, String secret) {
        this.username = user;
        this.password = secret;
        return this;
    }

    /** The requests so far, as {@code METHOD path}. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /** Stores a blob and returns its descriptor as JSON. */
    public String blob(String mediaType, byte[] content) {
        String digest = digest(content);
        blobs.put(digest, content);
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + content.length + "}";
    }

    /** From now on the blob or manifest {@code digest} is served with {@code content} instead. */
    public void tamper(String digest, byte[] content) {
        tampered.put(digest, content);
    }

    /** Stores an image manifest (under its digest, and under {@code tag} unless null) and returns its digest. */
    public String image(String repository, String tag, String mediaType, String configDescriptor,
            List<String> layerDescriptors) {
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"" + mediaType + "\",\"config\":" + configDescriptor
                + ",\"layers\":[" + String.join(",", layerDescriptors) + "]}";
        return manifest(repository, tag, mediaType, manifest);
    }

    /** Stores an index of {@code platform -> manifest digest} entries and returns its digest. */
    public String index(String repository, String tag, Map<String, String> manifestsByPlatform) {
        List<String> entries = new ArrayList<>();
        manifestsByPlatform.forEach((platform, digest) -> {
            String[] parts = platform.split("/");
            Stored stored = manifests.get(repository + "@" + digest);
            entries.add("{\"mediaType\":\"" + stored.mediaType() + "\",\"digest\":\"" + digest + "\",\"size\":"
                    + stored.body().length + ",\"platform\":{\"os\":\"" + parts[0] + "\",\"architecture\":\""
                    + parts[1] + "\"}}");
        });
        return manifest(repository, tag, OCI_INDEX, "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_INDEX
                + "\",\"manifests\":[" + String.join(",", entries) + "]}");
    }

    /** Stores a manifest's JSON as it is (under its digest, and under {@code tag} unless null); returns its digest. */
    public String manifest(String repository, String tag, String mediaType, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String digest = digest(body);
        manifests.put(repository + "@" + digest, new Stored(mediaType, body));
        if (tag != null) {
            manifests.put(repository + ":" + tag, new Stored(mediaType, body));
        }
        return digest;
    }

    /** Points {@code tag} of {@code repository} at the manifest {@code digest} stored before. */
    public void tag(String repository, String tag, String digest) {
        manifests.put(repository + ":" + tag, manifests.get(repository + "@" + digest));
    }

    public static String digest(byte[] content) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            requests.add(exchange.getRequestMethod() + " " + path);
            if (path.equals("/token")) {
                token(exchange);
                return;
            }
            if (path.startsWith("/storage/")) {
                String digest = path.substring("/storage/".length());
                byte[] content = tampered.getOrDefault(digest, blobs.get(digest));
                send(exchange, content == null ? 404 : 200, "application/octet-stream", content, null);
                return;
            }
            if (username != null) {
                String auth = exchange.getRequestHeaders().getFirst("Authorization");
                if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
                    Matcher repo = Pattern.compile("/v2/(.+)/(manifests|blobs)/.*").matcher(path);
                    String scope = repo.matches() ? ",scope=\"repository:" + repo.group(1) + ":pull\"" : "";
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host()
                            + "/token\",service=\"test-registry\"" + scope);
                    send(exchange, 401, "application/json", error("UNAUTHORIZED", "authentication required"), null);
                    return;
                }
            }
            Matcher manifest = MANIFEST.matcher(path);
            Matcher blob = BLOB.matcher(path);
            Matcher tags = TAGS.matcher(path);
            Matcher upload = UPLOAD.matcher(path);
            String method = exchange.getRequestMethod();
            if (upload.matches()) {
                upload(exchange, upload.group(1));
            } else if (manifest.matches() && method.equals("PUT")) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String digest = manifest(manifest.group(1), manifest.group(2),
                        exchange.getRequestHeaders().getFirst("Content-Type"), new String(body, StandardCharsets.UTF_8));
                send(exchange, 201, "text/plain", new byte[0], digest);
            } else if (blob.matches() && method.equals("HEAD")) {
                send(exchange, blobs.containsKey(blob.group(2)) ? 200 : 404, "application/octet-stream", null, null);
            } else if (tags.matches()) {
                tags(exchange, tags.group(1));
            } else if (manifest.matches()) {
                String reference = manifest.group(2);
                Stored stored = manifests.get(manifest.group(1) + (reference.startsWith("sha256:") ? "@" : ":")
                        + reference);
                if (stored != null && tampered.containsKey(reference)) {
                    stored = new Stored(stored.mediaType(), tampered.get(reference));
                }
                if (stored == null) {
                    send(exchange, 404, "application/json", error("MANIFEST_UNKNOWN", "manifest unknown"), null);
                } else {
                    send(exchange, 200, stored.mediaType(), stored.body(), digest(stored.body()));
                }
            } else if (blob.matches()) {
                if (!blobs.containsKey(blob.group(2))) {
                    send(exchange, 404, "application/json", error("BLOB_UNKNOWN", "blob unknown"), null);
                } else {
                    exchange.getResponseHeaders().add("Location", "/storage/" + blob.group(2));
                    send(exchange, 307, "text/plain", new byte[0], null);
                }
            } else if (path.equals("/v2/") || path.equals("/v2")) {
                send(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8), null);
            } else {
                send(exchange, 404, "application/json", error("NAME_UNKNOWN", "no such path"), null);
            }
        }
    }

    private void upload(HttpExchange exchange, String repository) throws IOException {
        if (exchange.getRequestMethod().equals("POST")) {
            exchange.getResponseHeaders().add("Location", "/v2/" + repository + "/blobs/uploads/" + UUID.randomUUID());
            send(exchange, 202, "text/plain", new byte[0], null);
            return;
        }
        String query = exchange.getRequestURI().getQuery();
        byte[] body = exchange.getRequestBody().readAllBytes();
        String digest = query == null ? "" : query.replaceFirst(".*digest=([^&]+).*", "$1");
        if (!digest(body).equals(digest)) {
            send(exchange, 400, "application/json", error("DIGEST_INVALID", "digest does not match"), null);
            return;
        }
        blobs.put(digest, body);
        send(exchange, 201, "text/plain", new byte[0], digest);
    }

    private void tags(HttpExchange exchange, String repository) throws IOException {
        List<String> all = manifests.keySet().stream().filter(k -> k.startsWith(repository + ":"))
                .map(k -> k.substring(repository.length() + 1)).sorted().toList();
        if (all.isEmpty()) {
            send(exchange, 404, "application/json", error("NAME_UNKNOWN", "repository name not known"), null);
            return;
        }
        String query = exchange.getRequestURI().getQuery();
        String last = query != null && query.startsWith("last=") ? query.substring(5) : null;
        List<String> rest = last == null ? all : all.stream().filter(t -> t.compareTo(last) > 0).toList();
        List<String> page = rest.subList(0, Math.min(TAGS_PAGE, rest.size()));
        if (rest.size() > page.size()) {
            exchange.getResponseHeaders().add("Link", "</v2/" + repository + "/tags/list?last=" + page.getLast()
                    + ">; rel=\"next\"");
        }
        String body = "{\"name\":\"" + repository + "\",\"tags\":[" + String.join(",", page.stream()
                .map(t -> "\"" + t + "\"").toList()) + "]}";
        send(exchange, 200, "application/json", body.getBytes(StandardCharsets.UTF_8), null);
    }

    private void token(HttpExchange exchange) throws IOException {
        String expected = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        if (username == null || !expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            send(exchange, 401, "application/json", error("UNAUTHORIZED", "bad credentials"), null);
            return;
        }
        String token = UUID.randomUUID().toString();
        tokens.add(token);
        send(exchange, 200, "application/json", ("{\"token\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8),
                null);
    }

    private static byte[] error(String code, String message) {
        return ("{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body, String digest)
            throws IOException {
        exchange.getResponseHeaders().add("Content-Type", type);
        if (digest != null) {
            exchange.getResponseHeaders().add("Docker-Content-Digest", digest);
        }
        byte[] content = body == null ? new byte[0] : body;
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().add("Content-Length", String.valueOf(content.length));
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, content.length == 0 ? -1 : content.length);
        if (content.length > 0) {
            exchange.getResponseBody().write(content);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
