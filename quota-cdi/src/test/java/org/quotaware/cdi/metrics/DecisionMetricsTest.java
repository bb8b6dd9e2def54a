package org.quotaware.cdi.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaRequest;
import org.quotaware.Violation;

import static org.assertj.core.api.Assertions.assertThat;

class DecisionMetricsTest {

    /** A registry keyed by name and tags, like the container's: the same name and tags give the same counter. */
    private final Map<String, FakeCounter> counters = new TreeMap<>();
    private int registrations;
    private final List<Long> allowedNanos = new ArrayList<>();
    private final List<Long> deniedNanos = new ArrayList<>();
    private final DecisionMetrics metrics = new DecisionMetrics(this::counter, allowedNanos::add, deniedNanos::add,
            "com.example.Api#upload"::equals);
    /** Per name, the metadata it was registered with and the tag names of its series. */
    private final Map<String, Metadata> metadata = new TreeMap<>();
    private final Map<String, Set<String>> tagNames = new TreeMap<>();

    private Counter counter(Metadata meta, Tag... tags) {
        String name = meta.getName();
        assertThat(meta.getDescription()).as(name).isNotBlank();
        assertThat(meta.getUnit()).as(name).isEqualTo(MetricUnits.NONE);
        assertThat(metadata.computeIfAbsent(name, n -> meta)).as("one metadata per name").isEqualTo(meta);
        Set<String> names = Arrays.stream(tags).map(Tag::getTagName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(tagNames.computeIfAbsent(name, n -> names)).as("the same tag names in every series of " + name)
                .isEqualTo(names);
        String id = name + Arrays.stream(tags).map(t -> t.getTagName() + "=" + t.getTagValue()).sorted()
                .collect(Collectors.joining(",", "{", "}"));
        return counters.computeIfAbsent(id, k -> {
            registrations++;
            return new FakeCounter();
        });
    }

    private static QuotaCheckResult allowed(String tier) {
        return QuotaCheckResult.allowed(tier, false, List.of());
    }

    private static QuotaCheckResult denied(String tier, Limit... limits) {
        List<Violation> v = Arrays.stream(limits).map(l -> new Violation(l, 1, 1, 5)).toList();
        return QuotaCheckResult.denied(tier, v, List.of());
    }

    private long count(String id) {
        FakeCounter c = counters.get(id);
        return c == null ? -1 : c.count.get();
    }

    @Test
    void countsDecisionsByOutcomeAndTierAndOneDenialPerViolatedLimit() {
        metrics.decided("default", allowed("default"), 10);
        metrics.decided("default", allowed("default"), 20);
        metrics.decided("default", allowed("default"), 30);
        metrics.decided("default", denied("default", Limit.REQUESTS_PER_MINUTE), 5);
        metrics.decided("default", denied("default", Limit.REQUESTS_PER_MINUTE, Limit.FILES_PER_HOUR), 6);
        metrics.decided("premium", denied("premium", Limit.CONCURRENT_TASKS), 7);

        assertThat(count("quotaware.decisions{method=none,outcome=allowed,tier=default}")).isEqualTo(3);
        assertThat(count("quotaware.decisions{method=none,outcome=denied,tier=default}")).isEqualTo(2);
        assertThat(count("quotaware.denials{reason=rpm,tier=default}")).isEqualTo(2);
        assertThat(count("quotaware.denials{reason=files-hour,tier=default}")).isEqualTo(1);
        assertThat(count("quotaware.decisions{method=none,outcome=denied,tier=premium}")).isEqualTo(1);
        assertThat(count("quotaware.denials{reason=tasks,tier=premium}")).isEqualTo(1);
        assertThat(allowedNanos).containsExactly(10L, 20L, 30L);
        assertThat(deniedNanos).containsExactly(5L, 6L, 7L);
    }

    @Test
    void registersEachCounterOnceAndNothingPerCallAfterwards() {
        metrics.register("default");
        assertThat(counters).containsOnlyKeys("quotaware.decisions{method=none,outcome=allowed,tier=default}",
                "quotaware.decisions{method=none,outcome=denied,tier=default}");
        metrics.decided("default", denied("default", Limit.REQUESTS_PER_MINUTE), 1);
        int after = registrations;
        for (int i = 0; i < 1_000; i++) {
            metrics.decided("default", allowed("default"), 1);
            metrics.decided("default", denied("default", Limit.REQUESTS_PER_MINUTE), 1);
        }
        assertThat(registrations).isEqualTo(after).isEqualTo(3);
    }

    @Test
    void tierTagsAreBoundedEvenIfTiersKeepComing() {
        for (int i = 0; i < DecisionMetrics.MAX_TIERS + 10; i++) {
            metrics.decided("t" + i, allowed("t" + i), 1);
        }
        long tiers = counters.keySet().stream().filter(k -> k.startsWith("quotaware.decisions{method=none,outcome=allowed"))
                .count();
        assertThat(tiers).isEqualTo(DecisionMetrics.MAX_TIERS + 1);
        assertThat(count("quotaware.decisions{method=none,outcome=allowed,tier=other}")).isEqualTo(10);
    }

    @Test
    void aQuotaMethodsDecisionsCarryItsNameAndNoOtherTargetBecomesATag() {
        QuotaRequest upload = QuotaRequest.upload(1, -1).withTarget("com.example.Api#upload");
        metrics.decided("key:a", upload, allowed("default"), 1);
        metrics.decided("key:a", upload, denied("default", Limit.FILES_PER_HOUR), 1);
        for (int i = 0; i < 100; i++) {
            metrics.decided("ip:1", QuotaRequest.request().withTarget("/api/x" + i), allowed("default"), 1);
        }
        metrics.decided("key:b", QuotaRequest.request().withTarget("com.example.Api#other"), allowed("default"), 1);

        assertThat(count("quotaware.decisions{method=com.example.Api#upload,outcome=allowed,tier=default}"))
                .isEqualTo(1);
        assertThat(count("quotaware.decisions{method=com.example.Api#upload,outcome=denied,tier=default}"))
                .isEqualTo(1);
        assertThat(count("quotaware.decisions{method=none,outcome=allowed,tier=default}")).isEqualTo(101);
        assertThat(counters.keySet().stream().filter(k -> k.startsWith("quotaware.decisions"))).hasSize(4);
    }

    @Test
    void aWouldBeDenialCountsAsAllowedAndUnderTheShadowDenialsPerLimit() {
        metrics.decided("default", QuotaCheckResult.allowed("default", false, List.of(
                new Violation(Limit.REQUESTS_PER_MINUTE, 1, 1, 5), new Violation(Limit.FILE_SIZE, 1, 2, 5)),
                List.of()), 1);
        assertThat(count("quotaware.decisions{method=none,outcome=allowed,tier=default}")).isEqualTo(1);
        assertThat(count("quotaware.denials.shadow{reason=rpm,tier=default}")).isEqualTo(1);
        assertThat(count("quotaware.denials.shadow{reason=file-size,tier=default}")).isEqualTo(1);
        assertThat(count("quotaware.denials{reason=rpm,tier=default}")).isEqualTo(-1);
        assertThat(allowedNanos).containsExactly(1L);
    }

    private static final class FakeCounter implements Counter {
        final AtomicLong count = new AtomicLong();

        @Override
        public void inc() {
            count.incrementAndGet();
        }

        @Override
        public void inc(long n) {
            count.addAndGet(n);
        }

        @Override
        public long getCount() {
            return count.get();
        }
    }
}
