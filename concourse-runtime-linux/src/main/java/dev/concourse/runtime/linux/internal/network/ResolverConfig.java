package dev.concourse.runtime.linux.internal.network;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS servers and search domains containers get in their {@code /etc/resolv.conf}: the
 * configured servers, or the host's. A loopback resolver of the host (systemd-resolved's
 * 127.0.0.53, a local dnsmasq) answers only inside the host's network namespace, so it is left
 * out; with systemd-resolved its upstream servers ({@code /run/systemd/resolve/resolv.conf})
 * are used instead. IPv6 servers are left out too: containers get IPv4 only.
 */
record ResolverConfig(List<Ipv4Address> servers, List<String> searchDomains, List<String> notes) {

    private static final Logger LOG = LoggerFactory.getLogger(ResolverConfig.class);

    static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");
    static final Path SYSTEMD_RESOLVED_UPSTREAM = Path.of("/run/systemd/resolve/resolv.conf");

    ResolverConfig {
        servers = List.copyOf(servers);
        searchDomains = List.copyOf(searchDomains);
        notes = List.copyOf(notes);
    }

    /** The configured servers if any, else the host's from the given resolv.conf files. */
    static ResolverConfig resolve(List<String> configured, Path hostFile, Path upstreamFile) {
        if (!configured.isEmpty()) {
            List<Ipv4Address> servers = configured.stream().map(s -> Ipv4Address.parse(s, "DNS server")).toList();
            List<String> search = read(hostFile).map(ResolverConfig::searchDomains).orElse(List.of());
            return new ResolverConfig(servers, search, List.of());
        }
        List<String> notes = new ArrayList<>();
        List<String> hostLines = read(hostFile).orElse(List.of());
        List<Ipv4Address> servers = usable(hostFile, hostLines, notes);
        if (servers.isEmpty() && hasLoopback(hostLines)) {
            Optional<List<String>> upstream = read(upstreamFile);
            if (upstream.isPresent()) {
                servers = usable(upstreamFile, upstream.get(), notes);
                if (!servers.isEmpty()) {
                    notes.add("using the upstream servers " + servers + " from " + upstreamFile + " instead");
                }
            }
        }
        if (servers.isEmpty()) {
            notes.add("containers get no DNS server: set NetworkSettings.dnsServers to resolvers they can reach");
        }
        for (String note : notes) {
            LOG.warn("Container DNS: {}", note);
        }
        return new ResolverConfig(servers, searchDomains(hostLines), notes);
    }

    /** The content of a container's {@code /etc/resolv.conf}. */
    String fileContent() {
        StringBuilder text = new StringBuilder("# written by concourse-runtime-linux\n");
        for (Ipv4Address server : servers) {
            text.append("nameserver ").append(server).append('\n');
        }
        if (!searchDomains.isEmpty()) {
            text.append("search ").append(String.join(" ", searchDomains)).append('\n');
        }
        return text.toString();
    }

    private static List<Ipv4Address> usable(Path file, List<String> lines, List<String> notes) {
        List<Ipv4Address> servers = new ArrayList<>();
        for (String server : nameservers(lines)) {
            Optional<Ipv4Address> address = Ipv4Address.tryParse(server);
            if (address.isEmpty()) {
                notes.add("skipping resolver " + server + " from " + file + ": containers have IPv4 only");
            } else if (address.get().isLoopback()) {
                notes.add("skipping loopback resolver " + server + " from " + file
                        + ": it is unreachable from a container's network namespace");
            } else if (!servers.contains(address.get())) {
                servers.add(address.get());
            }
        }
        return servers;
    }

    private static boolean hasLoopback(List<String> lines) {
        return nameservers(lines).stream().map(Ipv4Address::tryParse)
                .anyMatch(a -> a.isPresent() && a.get().isLoopback());
    }

    private static List<String> nameservers(List<String> lines) {
        List<String> servers = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && words[0].equals("nameserver")) {
                servers.add(words[1]);
            }
        }
        return servers;
    }

    private static List<String> searchDomains(List<String> lines) {
        List<String> domains = List.of();
        for (String line : lines) {
            String[] words = line.strip().split("\\s+");
            if (words.length >= 2 && (words[0].equals("search") || words[0].equals("domain"))) {
                domains = List.of(words).subList(1, words.length);
            }
        }
        return domains;
    }

    private static Optional<List<String>> read(Path file) {
        try {
            return Optional.of(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot read " + file + " for the containers' DNS servers: " + e.getMessage()
                    + "; set NetworkSettings.dnsServers explicitly", e);
        }
    }
}
