package dev.concourse.runtime.linux.internal.network;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The iptables rules of one bridge, all in chains of its own so that removing them is exact and
 * several bridges (runtimes, test classes) on one host never touch each other's rules:
 *
 * <pre>
 * filter FORWARD     -i BR -j CC-BR-FWD ; -o BR -j CC-BR-FWD        (inserted first)
 * filter CC-BR-FWD   replies to containers accepted (RELATED,ESTABLISHED)
 *                    DNS to the configured servers -> CC-BR-CTR
 *                    leaving the bridge for a restricted network: DROP
 *                    from the bridge -> CC-BR-CTR
 *                    everything else: DROP
 * filter CC-BR-CTR   one ACCEPT per live container, by its source address
 * filter INPUT       -i BR -j CC-BR-IN                               (inserted first)
 * filter CC-BR-IN    replies RETURN; restricted networks DROP; DNS to the servers RETURN;
 *                    host access allowed: RETURN; else DROP
 * nat    POSTROUTING -s SUBNET -j CC-BR-NAT                          (inserted first)
 * nat    CC-BR-NAT   ! -o BR -j MASQUERADE                           (when NAT is on)
 * </pre>
 *
 * Only addresses with a container rule are forwarded, so a namespace left over with an old
 * address gets nowhere. RETURN (not ACCEPT) in INPUT leaves allowed traffic to the host's own
 * rules.
 */
final class Firewall {

    static final String COMMENT_PREFIX = "concourse:";

    private final HostCommands commands;
    private final String bridge;
    private final Ipv4Subnet subnet;
    private final String forwardChain;
    private final String containerChain;
    private final String inputChain;
    private final String natChain;

    Firewall(HostCommands commands, String bridge, Ipv4Subnet subnet) {
        this.commands = commands;
        this.bridge = bridge;
        this.subnet = subnet;
        String prefix = "CC-" + bridge + "-";
        this.forwardChain = prefix + "FWD";
        this.containerChain = prefix + "CTR";
        this.inputChain = prefix + "IN";
        this.natChain = prefix + "NAT";
    }

    /**
     * Creates the chains and jumps if missing and replaces the network-wide rules with the given
     * ones, atomically per table (iptables-restore), keeping the containers' rules.
     */
    void apply(boolean nat, List<Ipv4Subnet> restricted, List<Ipv4Address> dnsServers, boolean allowHostAccess) {
        ensureChain("filter", forwardChain);
        ensureChain("filter", containerChain);
        ensureChain("filter", inputChain);
        ensureChain("nat", natChain);

        List<String> forward = new ArrayList<>();
        forward.add("-o " + bridge + " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
        for (Ipv4Address dns : dnsServers) {
            forward.add("-i " + bridge + " -d " + dns + "/32 -p udp --dport 53 -j " + containerChain);
            forward.add("-i " + bridge + " -d " + dns + "/32 -p tcp --dport 53 -j " + containerChain);
        }
        for (Ipv4Subnet cidr : restricted) {
            forward.add("-i " + bridge + " ! -o " + bridge + " -d " + cidr + " -j DROP");
        }
        forward.add("-i " + bridge + " -j " + containerChain);
        forward.add("-j DROP");

        List<String> input = new ArrayList<>();
        input.add("-m conntrack --ctstate RELATED,ESTABLISHED -j RETURN");
        for (Ipv4Address dns : dnsServers) {
            input.add("-d " + dns + "/32 -p udp --dport 53 -j RETURN");
            input.add("-d " + dns + "/32 -p tcp --dport 53 -j RETURN");
        }
        for (Ipv4Subnet cidr : restricted) {
            input.add("-d " + cidr + " -j DROP");
        }
        if (allowHostAccess) {
            input.add("-j RETURN");
        }
        input.add("-j DROP");

        List<String> masquerade = nat ? List.of("! -o " + bridge + " -j MASQUERADE") : List.of();

        StringBuilder filter = new StringBuilder("*filter\n");
        replaceRules(filter, forwardChain, forward);
        replaceRules(filter, inputChain, input);
        filter.append("COMMIT\n");
        commands.runWithInput(filter.toString(), "iptables-restore", "-w", "10", "--noflush");
        StringBuilder natTable = new StringBuilder("*nat\n");
        replaceRules(natTable, natChain, masquerade);
        natTable.append("COMMIT\n");
        commands.runWithInput(natTable.toString(), "iptables-restore", "-w", "10", "--noflush");

        ensureJump("filter", "FORWARD", "-i", bridge, "-j", forwardChain);
        ensureJump("filter", "FORWARD", "-o", bridge, "-j", forwardChain);
        ensureJump("filter", "INPUT", "-i", bridge, "-j", inputChain);
        ensureJump("nat", "POSTROUTING", "-s", subnet.toString(), "-j", natChain);
    }

    private static void replaceRules(StringBuilder restore, String chain, List<String> rules) {
        restore.append("-F ").append(chain).append('\n');
        for (String rule : rules) {
            restore.append("-A ").append(chain).append(' ').append(rule).append('\n');
        }
    }

    /** Lets the container at {@code address} out of the bridge (one {@code iptables -A}). */
    void allowContainer(Ipv4Address address, String handle) {
        commands.run(iptables("filter", "-A", containerChain, containerRule(address, handle)));
    }

    /**
     * Removes the container rule of {@code address}: the one naming {@code handle} directly, or,
     * with no handle or no such rule, whichever rules let that address out.
     */
    void forbidContainer(Ipv4Address address, String handle) {
        if (handle != null && commands.tryRun(iptables("filter", "-D", containerChain, containerRule(address, handle))).ok()) {
            return;
        }
        for (ContainerRule rule : containerRules()) {
            if (rule.address().equals(address)) {
                delete(rule);
            }
        }
    }

    /** A rule of the container chain: the address it lets out, and the arguments after the chain name. */
    record ContainerRule(Ipv4Address address, List<String> spec) {}

    /** The rules in the container chain (none if the chain does not exist). */
    List<ContainerRule> containerRules() {
        HostCommands.Result listing = commands.tryRun(iptables("filter", "-S", containerChain));
        if (!listing.ok()) {
            return List.of();
        }
        List<ContainerRule> rules = new ArrayList<>();
        for (String line : listing.stdout().split("\n")) {
            List<String> words = words(line);
            if (words.size() < 3 || !words.get(0).equals("-A")) {
                continue;
            }
            List<String> spec = words.subList(2, words.size());
            int source = spec.indexOf("-s");
            Optional<Ipv4Address> address = source < 0 || source + 1 >= spec.size() ? Optional.empty()
                    : Ipv4Address.tryParse(spec.get(source + 1).replace("/32", ""));
            address.ifPresent(a -> rules.add(new ContainerRule(a, List.copyOf(spec))));
        }
        return rules;
    }

    /** Deletes a rule as listed by {@link #containerRules()}. */
    void delete(ContainerRule rule) {
        commands.tryRun(iptables("filter", "-D", containerChain, rule.spec().toArray(String[]::new)));
    }

    /** Removes the jumps and the chains with their rules (idempotent). */
    void remove() {
        removeJump("filter", "FORWARD", "-i", bridge, "-j", forwardChain);
        removeJump("filter", "FORWARD", "-o", bridge, "-j", forwardChain);
        removeJump("filter", "INPUT", "-i", bridge, "-j", inputChain);
        removeJump("nat", "POSTROUTING", "-s", subnet.toString(), "-j", natChain);
        for (String chain : List.of(forwardChain, containerChain, inputChain)) {
            commands.tryRun(iptables("filter", "-F", chain));
            commands.tryRun(iptables("filter", "-X", chain));
        }
        commands.tryRun(iptables("nat", "-F", natChain));
        commands.tryRun(iptables("nat", "-X", natChain));
    }

    private String[] containerRule(Ipv4Address address, String handle) {
        return new String[] {"-s", address + "/32", "-i", bridge, "-m", "comment", "--comment", COMMENT_PREFIX + handle,
            "-j", "ACCEPT"};
    }

    private void ensureChain(String table, String chain) {
        if (!commands.tryRun(iptables(table, "-S", chain)).ok()) {
            HostCommands.Result created = commands.tryRun(iptables(table, "-N", chain));
            if (!created.ok() && !commands.tryRun(iptables(table, "-S", chain)).ok()) {
                throw new dev.concourse.spi.runtime.RuntimeOperationException("Network set-up: " + created.describe());
            }
        }
    }

    private void ensureJump(String table, String builtIn, String... rule) {
        if (!exists(table, builtIn, rule)) {
            String[] insert = new String[rule.length + 1];
            insert[0] = "1";
            System.arraycopy(rule, 0, insert, 1, rule.length);
            commands.run(iptables(table, "-I", builtIn, insert));
        }
    }

    private void removeJump(String table, String builtIn, String... rule) {
        while (exists(table, builtIn, rule)) {
            commands.run(iptables(table, "-D", builtIn, rule));
        }
    }

    private boolean exists(String table, String chain, String... rule) {
        return commands.tryRun(iptables(table, "-C", chain, rule)).ok();
    }

    private static String[] iptables(String table, String command, String chain, String... rest) {
        String[] line = new String[rest.length + 7];
        line[0] = "iptables";
        line[1] = "-w";
        line[2] = "10";
        line[3] = "-t";
        line[4] = table;
        line[5] = command;
        line[6] = chain;
        System.arraycopy(rest, 0, line, 7, rest.length);
        return line;
    }

    private static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.strip().split("\\s+")) {
            if (word.length() >= 2 && word.startsWith("\"") && word.endsWith("\"")) {
                word = word.substring(1, word.length() - 1);
            }
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        return words;
    }
}
