package dev.concourse.runtime.linux.internal.network;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * Container addresses of one subnet, leased to container handles and kept as files: one file per
 * leased address ({@code <directory>/10.80.0.7}) holding the handle. A lease file is created
 * with a hard link, which fails if the name exists, so an address is never leased twice, not
 * even by two pools on the same directory; the files outlive the JVM, so a new pool on the same
 * directory knows every lease. Allocation goes round the subnet from the last address handed out
 * ({@code <directory>/.last}), so a released address is reused as late as possible.
 */
final class AddressPool {

    private static final String LAST = ".last";
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path directory;
    private final Ipv4Subnet subnet;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Ipv4Address> byHandle = new LinkedHashMap<>();
    private final Map<Ipv4Address, String> byAddress = new TreeMap<>();

    private AddressPool(Path directory, Ipv4Subnet subnet) {
        this.directory = directory;
        this.subnet = subnet;
    }

    /** A pool over {@code subnet}'s container addresses (all but network, gateway and broadcast). */
    static AddressPool open(Path directory, Ipv4Subnet subnet) {
        if (subnet.prefixLength() > 30) {
            throw new IllegalArgumentException("subnet " + subnet + " has no room for containers: use a prefix of /30 or shorter");
        }
        AddressPool pool = new AddressPool(directory, subnet);
        try {
            Files.createDirectories(directory);
            try (Stream<Path> files = Files.list(directory)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith(TEMP_PREFIX)).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot prepare the address lease directory " + directory + ": "
                    + e.getMessage(), e);
        }
        pool.reload();
        return pool;
    }

    /** Reads every lease file again, to see the changes of other pools on the same directory. */
    void reload() {
        lock.lock();
        try (Stream<Path> files = Files.list(directory)) {
            byHandle.clear();
            byAddress.clear();
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (!name.startsWith(TEMP_PREFIX) && !name.equals(LAST)) {
                    load(file);
                }
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot read the address leases in " + directory + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void load(Path file) throws IOException {
        String name = file.getFileName().toString();
        Optional<Ipv4Address> address = Ipv4Address.tryParse(name);
        if (address.isEmpty() || !subnet.contains(address.get())) {
            throw new RuntimeOperationException("Unexpected file " + file + " among the address leases of subnet " + subnet
                    + ": leases of another subnet? Remove the directory " + directory
                    + " when no container of the old subnet runs any more");
        }
        String handle;
        try {
            handle = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (NoSuchFileException released) {
            return;
        }
        byAddress.put(address.get(), handle);
        if (!handle.isEmpty()) {
            byHandle.put(handle, address.get());
        }
    }

    /**
     * Leases a free address to {@code handle}.
     *
     * @throws RuntimeOperationException if the handle holds a lease already, or no address is free
     */
    Ipv4Address acquire(String handle) {
        lock.lock();
        try {
            Ipv4Address held = byHandle.get(handle);
            if (held != null) {
                throw new RuntimeOperationException("Container '" + handle + "' already has the address " + held
                        + " (lease file " + directory.resolve(held.toString()) + "); release it first");
            }
            long first = 2;
            long hosts = subnet.size() - 3;
            long start = lastOffset().map(last -> last + 1).orElse(first);
            for (long i = 0; i < hosts; i++) {
                long offset = first + Math.floorMod(start - first + i, hosts);
                Ipv4Address candidate = subnet.network().plus(offset);
                if (byAddress.containsKey(candidate)) {
                    continue;
                }
                if (tryCreateLease(candidate, handle)) {
                    byAddress.put(candidate, handle);
                    byHandle.put(handle, candidate);
                    writeLast(offset);
                    return candidate;
                }
                loadTaken(candidate); // leased meanwhile by another pool on this directory
            }
            throw new RuntimeOperationException("No free address left in subnet " + subnet + " for container '" + handle
                    + "': all " + hosts + " are leased (see " + directory + "). Remove containers, run garbage collection,"
                    + " or configure a larger subnet");
        } finally {
            lock.unlock();
        }
    }

    Optional<Ipv4Address> addressOf(String handle) {
        lock.lock();
        try {
            return Optional.ofNullable(byHandle.get(handle));
        } finally {
            lock.unlock();
        }
    }

    /** Every lease, address to handle (empty handle: a lease file without a handle in it). */
    Map<Ipv4Address, String> leases() {
        lock.lock();
        try {
            return Map.copyOf(byAddress);
        } finally {
            lock.unlock();
        }
    }

    /** Releases the handle's lease; false if it had none. */
    boolean release(String handle) {
        lock.lock();
        try {
            Ipv4Address address = byHandle.get(handle);
            if (address == null) {
                return false;
            }
            releaseAddress(address, handle);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Releases the lease of {@code address} if the lease file still names {@code handle} (any
     * handle if null): another pool on the directory may have released and re-leased it.
     */
    void releaseAddress(Ipv4Address address, String handle) {
        lock.lock();
        try {
            Path file = directory.resolve(address.toString());
            if (handle != null) {
                String owner;
                try {
                    owner = Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (NoSuchFileException gone) {
                    owner = handle;
                }
                if (!owner.equals(handle)) {
                    byAddress.remove(address);
                    byHandle.remove(handle, address);
                    return;
                }
            }
            Files.deleteIfExists(file);
            String holder = byAddress.remove(address);
            if (holder != null) {
                byHandle.remove(holder, address);
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot release the lease of " + address + " in " + directory + ": "
                    + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    private void loadTaken(Ipv4Address address) {
        try {
            load(directory.resolve(address.toString()));
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot read the lease of " + address + " in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    private boolean tryCreateLease(Ipv4Address address, String handle) {
        Path temp = directory.resolve(TEMP_PREFIX + UUID.randomUUID());
        try {
            Files.writeString(temp, handle + "\n", StandardCharsets.UTF_8);
            try {
                Files.createLink(directory.resolve(address.toString()), temp);
                return true;
            } catch (FileAlreadyExistsException taken) {
                return false;
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot write the lease of " + address + " for container '" + handle
                    + "' in " + directory + ": " + e.getMessage(), e);
        }
    }

    private Optional<Long> lastOffset() {
        try {
            String text = Files.readString(directory.resolve(LAST), StandardCharsets.UTF_8).strip();
            return Optional.of(Long.parseLong(text));
        } catch (NoSuchFileException | NumberFormatException absent) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot read " + directory.resolve(LAST) + ": " + e.getMessage(), e);
        }
    }

    private void writeLast(long offset) {
        Path temp = directory.resolve(TEMP_PREFIX + UUID.randomUUID());
        try {
            Files.writeString(temp, offset + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(temp, directory.resolve(LAST), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, directory.resolve(LAST), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RuntimeOperationException("Cannot write " + directory.resolve(LAST) + ": " + e.getMessage(), e);
        }
    }
}
