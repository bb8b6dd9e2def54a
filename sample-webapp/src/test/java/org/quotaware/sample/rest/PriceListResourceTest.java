package org.quotaware.sample.rest;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The {@code pricelist.*} settings are checked at start-up and a wrong one is named with its key. */
class PriceListResourceTest {

    @Test
    void startsWithTheSamplesDefaultsKeepingAnalysesInMemory() {
        assertThatCode(() -> resource("local", 86400).start()).doesNotThrowAnyException();
    }

    @Test
    void withoutHazelcastAutoKeepsAnalysesInMemory() {
        // no JNDI here, as on a member started with --nohazelcast
        assertThatCode(() -> resource("auto", 86400).start()).doesNotThrowAnyException();
    }

    @Test
    void namesAnUnknownStoreChoice() {
        assertThatThrownBy(() -> resource("hazelcast", 86400).start())
                .hasMessage("pricelist.store.cluster must be auto or local, was hazelcast");
    }

    @Test
    void namesATimeToLiveOutOfRange() {
        assertThatThrownBy(() -> resource("local", 0).start())
                .hasMessage("pricelist.store.ttl-seconds must be between 1 and 2147483647, was 0");
        assertThatThrownBy(() -> resource("local", 1L << 31).start())
                .hasMessage("pricelist.store.ttl-seconds must be between 1 and 2147483647, was 2147483648");
    }

    private static PriceListResource resource(String cluster, long ttlSeconds) {
        PriceListResource r = new PriceListResource();
        r.maxInvalidRows = 100;
        r.maxDuplicates = 100;
        r.maxAnalyses = 1000;
        r.maxStoredBytes = 32 * 1024 * 1024;
        r.ttlSeconds = ttlSeconds;
        r.cluster = cluster;
        return r;
    }
}
