package org.quotaware.sample.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The burn endpoint's two parts: what it accepts, and that it burns the thread's CPU time, not the wall clock. */
class BurnResourceTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @Test
    void acceptsWholeMillisecondsFromZeroToTwoSeconds() {
        assertThat(BurnResource.millis("0")).isZero();
        assertThat(BurnResource.millis(" 250 ")).isEqualTo(250);
        assertThat(BurnResource.millis("2000")).isEqualTo(2000);
        for (String bad : new String[] {null, "", "-1", "2001", "1.5", "1e3", "250ms", "99999999999"}) {
            assertThat(BurnResource.millis(bad)).as(bad).isEqualTo(-1);
        }
    }

    @Test
    void burnsAtLeastTheThreadCpuTimeAskedFor() {
        long before = THREADS.getCurrentThreadCpuTime();

        BurnResource.Burnt burnt = BurnResource.burn(THREADS, TimeUnit.MILLISECONDS.toNanos(30),
                TimeUnit.SECONDS.toNanos(60));

        long used = THREADS.getCurrentThreadCpuTime() - before;
        assertThat(burnt).isNotNull();
        assertThat(burnt.cpuNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(used).isGreaterThanOrEqualTo(burnt.cpuNanos());
        assertThat(BurnResource.burn(THREADS, 0, 0)).as("nothing asked, nothing burnt").isNotNull()
                .extracting(BurnResource.Burnt::cpuNanos)
                .satisfies(nanos -> assertThat(nanos).isBetween(0L, TimeUnit.MILLISECONDS.toNanos(5)));
    }

    @Test
    void givesUpWhenTheWallClockRunsOutFirst() {
        // an hour of CPU time within no wall time at all: the first check of the wall clock ends it
        assertThat(BurnResource.burn(THREADS, TimeUnit.HOURS.toNanos(1), 0)).isNull();
    }
}
