package dev.concourse.internal.resourcetype.registry;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Where an image repository lives: the registry's host (with its port) and the repository's path
 * on it, read from a {@code repository} as Docker and go-containerregistry read it. A first
 * component with a dot or a colon, or {@code localhost}, is the registry; otherwise the repository
 * is on Docker Hub, where one-component names are under {@code library/}.
 *
 * @param registry  host and optional port, as in {@code registry-1.docker.io} or {@code 127.0.0.1:5000}
 * @param path      the repository's path on the registry, such as {@code library/busybox}
 * @param plainHttp whether the registry is spoken to over plain HTTP (loopback hosts and
 *                  {@code insecure}), else HTTPS
 */
public record ImageName(String registry, String path, boolean plainHttp) {
    /** Docker Hub's registry: {@code docker.io} is an alias, not the API's host. */
    public static final String DOCKER_HUB = "registry-1.docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern HOST = Pattern.compile("(?:\\[[0-9a-fA-F:]+]|[A-Za-z0-9.-]+)(?::[0-9]+)?");

    /**
     * Reads a {@code repository}.
     *
     * @throws IllegalArgumentException with a message saying what is wrong (to be prefixed with the field)
     */
    public static ImageName parse(String repository, boolean insecure) {
        if (repository.contains("@") || repository.contains("://")) {
            throw new IllegalArgumentException("'" + repository + "' is not a repository name: give it without a"
                    + " scheme or digest, as in 'busybox' or 'registry.example.com:5000/team/app'");
        }
        String registry = DOCKER_HUB;
        String path = repository;
        int slash = repository.indexOf('/');
        if (slash > 0) {
            String first = repository.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                path = repository.substring(slash + 1);
            }
        }
        if (registry.equals("docker.io") || registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        if (!HOST.matcher(registry).matches()) {
            throw new IllegalArgumentException("'" + registry + "' in '" + repository + "' is not a registry host");
        }
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                String hint = component.contains(":") ? " (give the tag in 'tag', not in the repository)" : "";
                throw new IllegalArgumentException("'" + repository + "' is not a repository name: '" + component
                        + "' must be lower-case letters, digits and single separators (. _ -)" + hint);
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) {
            path = "library/" + path;
        }
        return new ImageName(registry, path, insecure || isLoopback(registry));
    }

    /** Hosts go-containerregistry speaks plain HTTP to without being told: this machine. */
    private static boolean isLoopback(String registry) {
        String host = registry.startsWith("[") ? registry.substring(0, registry.indexOf(']') + 1)
                : registry.replaceFirst(":[0-9]+$", "");
        return host.equals("localhost") || host.endsWith(".localhost") || host.startsWith("127.")
                || host.equals("[::1]");
    }

    /** The registry's API root, {@code https://host/v2/}. */
    public URI apiRoot() {
        return URI.create((plainHttp ? "http" : "https") + "://" + registry + "/v2/");
    }

    @Override
    public String toString() {
        return registry + "/" + path;
    }
}
