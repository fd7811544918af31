package dev.concourse.testkit.conformance;

import dev.concourse.spi.storage.Storage;
import dev.concourse.storage.InMemoryStorage;

/** The default store passes the storage kit. */
class InMemoryStorageConformanceTest extends StorageConformanceTests {

    @Override
    protected Storage createStorage() {
        return new InMemoryStorage();
    }
}
