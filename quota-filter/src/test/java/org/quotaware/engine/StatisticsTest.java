package org.quotaware.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaStatistics;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.Violation;

/** Denials counted once per set of limits they violated read back as the counts per limit, exactly. */
class StatisticsTest {

    @Test
    void countsPerSetOfLimitsReadBackAsCountsPerLimit() {
        Random random = new Random(3);
        Statistics statistics = new Statistics();
        Map<Limit, Long> denied = new EnumMap<>(Limit.class);
        Map<Limit, Long> shadow = new EnumMap<>(Limit.class);
        long deniedTotal = 0;
        long shadowTotal = 0;
        long allowed = 0;
        for (int i = 0; i < 20_000; i++) {
            List<Violation> violations = new ArrayList<>();
            for (Limit l : Limit.values()) {
                if (random.nextInt(4) == 0) {
                    violations.add(new Violation(l, 1, 1, 1));
                }
            }
            if (random.nextBoolean() && !violations.isEmpty()) {
                statistics.denied(violations);
                deniedTotal++;
                violations.forEach(v -> denied.merge(v.limit(), 1L, Long::sum));
            } else {
                statistics.allowed(violations);
                allowed++;
                if (!violations.isEmpty()) {
                    shadowTotal++;
                    violations.forEach(v -> shadow.merge(v.limit(), 1L, Long::sum));
                }
            }
        }
        QuotaStatistics s = statistics.snapshot(0, 0, 0, 0);
        assertThat(s.denied()).isEqualTo(deniedTotal);
        assertThat(s.deniedByLimit()).isEqualTo(denied);
        assertThat(s.allowed()).isEqualTo(allowed);
        assertThat(s.shadowDenied()).isEqualTo(shadowTotal);
        assertThat(s.shadowDeniedByLimit()).isEqualTo(shadow);
    }

    @Test
    void tasksAreCountedWhileTheyRunWithOrWithoutASystemLimit() {
        for (SystemLimits system : List.of(SystemLimits.DEFAULTS, new SystemLimits(5, QuotaLimits.OFF, 0))) {
            DefaultQuotaManager m = DefaultQuotaManager.builder().systemLimits(system)
                    .tiers(new QuotaTiers(QuotaLimits.builder().maxConcurrentTasks(2).maxQueueSize(0).build()))
                    .build();
            QuotaPermit a = (QuotaPermit) m.acquire("ann", QuotaRequest.request());
            QuotaPermit b = (QuotaPermit) m.acquire("bob", QuotaRequest.request());
            assertThat(m.statistics().active()).isEqualTo(2);
            m.acquire("ann", QuotaRequest.request().withConcurrent(false));
            assertThat(m.acquire("ann", QuotaRequest.request()).admitted()).isTrue();
            assertThat(m.acquire("ann", QuotaRequest.request()).admitted()).as("her two slots").isFalse();
            assertThat(m.statistics().active()).isEqualTo(3);
            a.close();
            b.close();
            assertThat(m.statistics().active()).isEqualTo(1);
        }
    }
}
