package org.quotaware;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** A permit's result made only when asked for, and its close: once, with the outcome marked before it. */
class QuotaPermitTest {

    private static final QuotaCheckResult RESULT = QuotaCheckResult.allowed("default", false, List.of());

    @Test
    void aResultMadeWhenAskedForIsMadeOnce() {
        AtomicInteger made = new AtomicInteger();
        QuotaPermit p = new QuotaPermit("ann", 7, () -> {
            made.incrementAndGet();
            return RESULT;
        }, (permit, success) -> { });
        assertThat(made).hasValue(0);
        assertThat(p.result()).isSameAs(RESULT);
        assertThat(p.result()).isSameAs(RESULT);
        assertThat(made).hasValue(1);
        assertThat(new QuotaPermit("bob", 0, RESULT, (permit, success) -> { }).result()).isSameAs(RESULT);
    }

    @Test
    void closingReleasesOnceWithTheOutcomeMarkedBefore() {
        List<Boolean> released = new ArrayList<>();
        QuotaPermit failed = new QuotaPermit("ann", 7, RESULT, (permit, success) -> released.add(success));
        failed.failed();
        failed.close();
        failed.close();
        failed.failed();
        QuotaPermit fine = new QuotaPermit("ann", 8, RESULT, (permit, success) -> released.add(success));
        assertThat(fine.isClosed()).isFalse();
        fine.close();
        fine.close();
        assertThat(fine.isClosed()).isTrue();
        assertThat(released).containsExactly(false, true);
    }
}
