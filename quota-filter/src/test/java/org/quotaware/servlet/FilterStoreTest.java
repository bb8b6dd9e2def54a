package org.quotaware.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The filter alone keeps no store in a database: {@code cluster.persistence} set there is a WARNING naming it. */
class FilterStoreTest {

    private final Logger log = Logger.getLogger(FilterStore.class.getName());
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(capture);
    }

    @Test
    void persistenceSetForTheFilterAloneIsAWarningNamingTheKey() {
        for (String store : List.of("local", "memory://filter-kept")) {
            records.clear();
            closed(FilterStore.open(FilterSettings.parse(Map.of("store", store, "cluster.persistence",
                    "jdbc/QuotaDB")), "/shop"));
            assertThat(records).singleElement().satisfies(r -> {
                assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                assertThat(r.getMessage()).as("with store=%s", store).isEqualTo("quotaware: cluster.persistence="
                        + "jdbc/QuotaDB is ignored: the filter alone keeps no store in a database (quota-cdi's "
                        + "Hazelcast store does); nothing is kept in that DataSource (docs/cluster.md, Persistence)");
            });
        }
        records.clear();
        closed(FilterStore.open(FilterSettings.parse(Map.of("store", "local")), "/shop"));
        assertThat(records).isEmpty();
    }

    /** Closes a shared store's thread at once (null: the local store, which has none): other tests count them. */
    private static void closed(FilterStore store) {
        if (store != null) {
            store.close();
        }
    }
}
