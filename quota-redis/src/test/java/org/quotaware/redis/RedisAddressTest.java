package org.quotaware.redis;

import java.util.Map;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.config.ConfigSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The addresses and settings the provider accepts, and how Lettuce's failures are told apart (no server needed). */
class RedisAddressTest {

    @Test
    void everyFormIsAccepted() {
        assertThat(new RedisStoreProvider().accepts("redis://host:6379")).isTrue();
        assertThat(new RedisStoreProvider().accepts("REDISS://host")).isTrue();
        assertThat(new RedisStoreProvider().accepts("hazelcast")).isFalse();
        assertThat(new RedisStoreProvider().accepts("local")).isFalse();

        RedisAddress plain = RedisAddress.parse("redis://:s3cret@cache:6380/2", null, null);
        RedisURI uri = plain.nodes().get(0);
        assertThat(plain.cluster()).isFalse();
        assertThat(uri.getHost()).isEqualTo("cache");
        assertThat(uri.getPort()).isEqualTo(6380);
        assertThat(uri.getDatabase()).isEqualTo(2);
        assertThat(new String(uri.getPassword())).isEqualTo("s3cret");
        assertThat(plain.masked()).isEqualTo("redis://:****@cache:6380/2").doesNotContain("s3cret");

        RedisURI acl = RedisAddress.parse("rediss://app:pw@cache", null, null).nodes().get(0);
        assertThat(acl.isSsl()).isTrue();
        assertThat(acl.getUsername()).isEqualTo("app");

        RedisAddress sentinel = RedisAddress.parse("redis-sentinel://s1:26379,s2:26380#mymaster", null, "pw");
        assertThat(sentinel.nodes().get(0).getSentinels()).hasSize(2);
        assertThat(sentinel.nodes().get(0).getSentinelMasterId()).isEqualTo("mymaster");
        assertThat(new String(sentinel.nodes().get(0).getPassword())).as("the setting").isEqualTo("pw");

        RedisAddress cluster = RedisAddress.parse("rediss-cluster://u:p@n1:7000,n2:7001,n3", null, null);
        assertThat(cluster.cluster()).isTrue();
        assertThat(cluster.nodes()).extracting(RedisURI::getHost).containsExactly("n1", "n2", "n3");
        assertThat(cluster.nodes()).extracting(RedisURI::getPort).containsExactly(7000, 7001, 6379);
        assertThat(cluster.nodes()).allSatisfy(n -> {
            assertThat(n.isSsl()).isTrue();
            assertThat(n.getUsername()).isEqualTo("u");
            assertThat(new String(n.getPassword())).isEqualTo("p");
        });
        assertThat(cluster.masked()).isEqualTo("rediss-cluster://u:****@n1:7000,n2:7001,n3");
    }

    @Test
    void aBadAddressNamesTheKeyTheMaskedValueAndTheForms() {
        for (String bad : new String[] {"redis://", "redis-sentinel://host:26379", "redis-cluster://:pw@a:notaport",
                "redis-cluster://:pw@", "redis://:pw@host:99999"}) {
            assertThatThrownBy(() -> RedisAddress.parse(bad, null, null)).as(bad)
                    .isInstanceOf(InvalidQuotaConfigException.class)
                    .hasMessageStartingWith("store must be a Redis address: redis://[[user]:password@]host[:port]")
                    .hasMessageContaining("redis-sentinel://").hasMessageContaining("redis-cluster://")
                    .hasMessageEndingWith("was " + RedisAddress.mask(bad))
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(":pw@"));
        }
    }

    @Test
    void settingsAreCheckedNamingTheirKeys() {
        RedisSettings defaults = RedisSettings.read(ConfigSource.of("test", Map.of()), "shop");
        assertThat(defaults.prefix()).isEqualTo("quotaware:shop:");
        assertThat(defaults.timeout().toMillis()).isEqualTo(500);
        assertThat(RedisSettings.read(ConfigSource.of("test", Map.of()), "").prefix()).isEqualTo("quotaware:ROOT:");
        RedisSettings given = RedisSettings.read(ConfigSource.of("test", Map.of("quotaware.store.timeout", "2s",
                "quotaware.store.prefix", "q:", "quotaware.store.password", "pw")), "shop");
        assertThat(given.timeout().toMillis()).isEqualTo(2_000);
        assertThat(given.prefix()).isEqualTo("q:");
        assertThat(given.toString()).doesNotContain("pw");
        assertThatThrownBy(() -> RedisSettings.read(ConfigSource.of("test", Map.of("quotaware.store.timeout",
                "5ms")), "shop")).hasMessageStartingWith("quotaware.store.timeout: ").hasMessageContaining("5ms")
                .hasMessageContaining("between 10ms and 60s");
        assertThatThrownBy(() -> RedisSettings.read(ConfigSource.of("test", Map.of(
                "quotaware.store.remember-states", "-1")), "shop"))
                .hasMessageStartingWith("quotaware.store.remember-states: ");
    }

    @Test
    void failuresOfRedisAreToldFromBugs() {
        RedisFailures f = RedisFailures.INSTANCE;
        assertThat(f.explain(new RedisConnectionException("Unable to connect"))).startsWith("no connection");
        assertThat(f.explain(new RedisCommandTimeoutException("Command timed out after 500 ms"))).isNotNull();
        assertThat(f.explain(new RedisException("Currently not connected. Commands are rejected."))).isNotNull();
        assertThat(f.explain(new IllegalStateException(new RedisException("Connection closed")))).isNotNull();
        assertThat(f.explain(new RedisCommandExecutionException("LOADING Redis is loading the dataset in memory")))
                .contains("LOADING");
        assertThat(f.explain(new RedisCommandExecutionException("READONLY You can't write against a read only "
                + "replica."))).contains("READONLY");
        assertThat(f.explain(new RedisCommandExecutionException("ERR user_script:3: Script attempted to access "
                + "nonexistent global variable"))).as("a bug in a script").isNull();
        assertThat(f.explain(new RedisCommandExecutionException("WRONGTYPE Operation against a key holding the "
                + "wrong kind of value"))).isNull();
        assertThat(f.explain(new IllegalArgumentException("bug"))).isNull();
    }
}
