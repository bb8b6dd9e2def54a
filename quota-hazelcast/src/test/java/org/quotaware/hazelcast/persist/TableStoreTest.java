package org.quotaware.hazelcast.persist;

import org.junit.jupiter.api.Test;
import org.quotaware.spi.QuotaStore;

import static org.assertj.core.api.Assertions.assertThat;

/** What a table and its keys are called: pure functions, no database. */
class TableStoreTest {

    @Test
    void everyKeyComesBackFromItsColumnAndNoColumnHoldsTheCharacterZero() {
        for (String key : new String[] {"ann", "", "ip:10.0.0.1", QuotaStore.OVERFLOW_PREFIX + "free", "a\\b", "\\0",
                "\\", "x\0\\\0y\\"}) {
            String column = TableStore.column(key);
            assertThat(column).doesNotContain("\0");
            assertThat(TableStore.key(column)).isEqualTo(key);
        }
        assertThat(TableStore.column("ann")).isSameAs("ann");
    }

    @Test
    void aTableIsNamedAfterItsMap() {
        assertThat(TableStore.table("quotaware-users")).isEqualTo("quotaware_users");
        assertThat(TableStore.table("Shop.Tiers")).isEqualTo("shop_tiers");
        assertThat(TableStore.table("1st")).isEqualTo("m_1st");
        assertThat(TableStore.table("x".repeat(80))).hasSize(63);
    }

    @Test
    void twoMembersAddingTheSameConfigurationAddEqualOnes() {
        assertThat(new Persistence("jdbc/QuotaDB", 1).states()).isEqualTo(new Persistence("jdbc/QuotaDB", 1).states());
        assertThat(new Persistence("jdbc/QuotaDB", 1).settings().getInitialLoadMode().name()).isEqualTo("EAGER");
        assertThat(new Persistence("jdbc/QuotaDB", 1).states().getInitialLoadMode().name()).isEqualTo("LAZY");
    }
}
