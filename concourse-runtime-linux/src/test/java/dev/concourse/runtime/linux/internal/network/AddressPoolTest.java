package dev.concourse.runtime.linux.internal.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressPoolTest {

    @TempDir
    Path directory;

    private final Ipv4Subnet subnet = Ipv4Subnet.parse("10.213.40.0/24", "subnet");

    @Test
    void leasesEveryContainerAddressOnceThenRefusesWithAClearMessage() {
        AddressPool pool = AddressPool.open(directory, subnet);
        Set<Ipv4Address> seen = new HashSet<>();
        for (int i = 0; i < 253; i++) {
            Ipv4Address address = pool.acquire("c" + i);
            assertThat(subnet.contains(address)).isTrue();
            assertThat(address).isNotIn(subnet.network(), subnet.gateway(), subnet.broadcast());
            assertThat(seen.add(address)).as("address %s handed out twice", address).isTrue();
        }
        assertThatThrownBy(() -> pool.acquire("one-too-many"))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("No free address left in subnet 10.213.40.0/24")
                .hasMessageContaining("one-too-many");
    }

    @Test
    void leasesSurviveARestartOfThePoolAndAreNotHandedOutAgain() throws Exception {
        AddressPool first = AddressPool.open(directory, subnet);
        List<Ipv4Address> before = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            before.add(first.acquire("c" + i));
        }
        assertThat(Files.readString(directory.resolve(before.get(7).toString())).strip()).isEqualTo("c7");

        AddressPool restarted = AddressPool.open(directory, subnet);
        for (int i = 0; i < 100; i++) {
            assertThat(restarted.addressOf("c" + i)).contains(before.get(i));
        }
        Set<Ipv4Address> after = new HashSet<>();
        for (int i = 100; i < 253; i++) {
            after.add(restarted.acquire("c" + i));
        }
        assertThat(after).hasSize(153).doesNotContainAnyElementsOf(before);
    }

    @Test
    void aReleasedAddressIsReusedOnlyAfterTheOthers() {
        AddressPool pool = AddressPool.open(directory, subnet);
        Ipv4Address a = pool.acquire("a");
        pool.acquire("b");
        assertThat(pool.release("a")).isTrue();
        assertThat(pool.release("a")).isFalse();
        assertThat(pool.addressOf("a")).isEmpty();
        assertThat(Files.exists(directory.resolve(a.toString()))).isFalse();

        Ipv4Address next = AddressPool.open(directory, subnet).acquire("c");
        assertThat(next).isNotEqualTo(a);
    }

    @Test
    void aHandleHoldsOneLease() {
        AddressPool pool = AddressPool.open(directory, subnet);
        Ipv4Address a = pool.acquire("a");
        assertThatThrownBy(() -> pool.acquire("a"))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("'a' already has the address " + a);
    }

    @Test
    void twoPoolsOnOneDirectoryNeverHandOutTheSameAddress() throws Exception {
        AddressPool one = AddressPool.open(directory, subnet);
        AddressPool two = AddressPool.open(directory, subnet);
        List<Ipv4Address> all = Collections.synchronizedList(new ArrayList<>());
        try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < 240; i++) {
                AddressPool pool = i % 2 == 0 ? one : two;
                String handle = "h" + i;
                futures.add(threads.submit(() -> all.add(pool.acquire(handle))));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        assertThat(all).hasSize(240).doesNotHaveDuplicates();
        assertThat(AddressPool.open(directory, subnet).leases()).hasSize(240);
    }

    @Test
    void aPoolWithAStaleViewNeverReleasesALeaseItDoesNotHold() throws Exception {
        AddressPool one = AddressPool.open(directory, subnet);
        AddressPool stale = AddressPool.open(directory, subnet);
        Ipv4Address address = one.acquire("first");
        stale.reload();
        assertThat(stale.addressOf("first")).contains(address);
        one.release("first");
        Files.writeString(directory.resolve(address.toString()), "second\n"); // re-leased elsewhere meanwhile

        stale.releaseAddress(address, "first");

        assertThat(Files.readString(directory.resolve(address.toString()))).isEqualTo("second\n");
        stale.reload();
        assertThat(stale.addressOf("second")).contains(address);
        assertThat(stale.addressOf("first")).isEmpty();
    }

    @Test
    void refusesLeaseFilesOfAnotherSubnet() throws Exception {
        Files.writeString(directory.resolve("10.99.0.5"), "old\n");
        assertThatThrownBy(() -> AddressPool.open(directory, subnet))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("10.99.0.5")
                .hasMessageContaining("another subnet");
    }

    @Test
    void aSubnetWithoutRoomForContainersIsRefused() {
        assertThatThrownBy(() -> AddressPool.open(directory, Ipv4Subnet.parse("10.213.40.0/31", "subnet")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no room for containers");
    }
}
