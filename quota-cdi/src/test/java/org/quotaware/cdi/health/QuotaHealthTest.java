package org.quotaware.cdi.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;


import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.spi.HealthCheckResponseProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaStatistics;
import org.quotaware.cdi.QuotaUsageView;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code /health} is outside every access check: a check that fails says why in a sentence, never the exception. */
class QuotaHealthTest {

    /** What the store's exception may carry: hosts, member addresses, a user's key. */
    private static final String DETAIL = "Connection refused: hazelcast-2.internal:5701 while deciding key:alice";

    @BeforeAll
    static void responses() {
        HealthCheckResponse.setResponseProvider(new Builders());
    }

    @AfterAll
    static void noResponses() {
        HealthCheckResponse.setResponseProvider(null);
    }

    @Test
    void aFailingCheckShowsAReasonAndLogsTheRest() {
        QuotaHealth health = new QuotaHealth();
        health.usage = new QuotaUsageView() {
            @Override
            public QuotaStatistics recentStatistics() {
                throw new IllegalStateException(DETAIL);
            }

            @Override
            public QuotaStatistics statistics() {
                throw new IllegalStateException(DETAIL);
            }

            @Override
            public String storeMode() {
                return "DISTRIBUTED";
            }
        };
        health.scaling = null;

        for (HealthCheckResponse r : new HealthCheckResponse[] {health.liveness(), health.readiness()}) {
            assertThat(r.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            Map<String, Object> data = r.getData().orElseThrow();
            assertThat(data).containsEntry("reason", "the quota manager does not answer; the server log says why");
            assertThat(data.values()).allSatisfy(v -> assertThat(String.valueOf(v)).doesNotContain("hazelcast-2",
                    "key:alice", "IllegalStateException"));
        }
    }

    /** MicroProfile Health's builder, as a server provides it. */
    private static final class Builders implements HealthCheckResponseProvider {
        @Override
        public HealthCheckResponseBuilder createResponseBuilder() {
            return new HealthCheckResponseBuilder() {
                private String name;
                private final Map<String, Object> data = new LinkedHashMap<>();
                private HealthCheckResponse.Status status = HealthCheckResponse.Status.UP;

                @Override
                public HealthCheckResponseBuilder name(String n) {
                    name = n;
                    return this;
                }

                @Override
                public HealthCheckResponseBuilder withData(String key, String value) {
                    data.put(key, value);
                    return this;
                }

                @Override
                public HealthCheckResponseBuilder withData(String key, long value) {
                    data.put(key, value);
                    return this;
                }

                @Override
                public HealthCheckResponseBuilder withData(String key, boolean value) {
                    data.put(key, value);
                    return this;
                }

                @Override
                public HealthCheckResponseBuilder up() {
                    return status(true);
                }

                @Override
                public HealthCheckResponseBuilder down() {
                    return status(false);
                }

                @Override
                public HealthCheckResponseBuilder status(boolean up) {
                    status = up ? HealthCheckResponse.Status.UP : HealthCheckResponse.Status.DOWN;
                    return this;
                }

                @Override
                public HealthCheckResponse build() {
                    return new HealthCheckResponse(name, status, Optional.of(data));
                }
            };
        }
    }
}
