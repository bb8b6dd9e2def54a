package org.quotaware.cost;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;
import org.quotaware.Counted;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaPermit;

/** What a segment charges, read from a hand-set thread's counters: only the units asked for, only on its thread. */
class CostMeterTest {

    /** A thread's counters set by hand. */
    static final class SetUsage implements ThreadUsage {
        boolean cpuCounted = true;
        boolean allocatedCounted = true;
        long cpu;
        long allocated;
        int reads;

        @Override
        public boolean measuresCpu() {
            return cpuCounted;
        }

        @Override
        public boolean measuresAllocated() {
            return allocatedCounted;
        }

        @Override
        public long cpuNanos() {
            reads++;
            return cpuCounted ? cpu : -1;
        }

        @Override
        public long allocatedBytes() {
            reads++;
            return allocatedCounted ? allocated : -1;
        }
    }

    private final SetUsage usage = new SetUsage();
    private Set<Counted> units = EnumSet.of(Counted.CPU, Counted.ALLOCATED);
    private final CostMeter meter = new CostMeter(() -> units, usage);

    private static QuotaPermit permit() {
        return new QuotaPermit("ann", 1, QuotaCheckResult.allowed("default", false, List.of()), (p, success) -> { });
    }

    private static long charged(QuotaPermit permit, Counted unit) {
        long[] charges = permit.charges();
        return charges == null ? 0 : charges[unit.ordinal()];
    }

    @Test
    void aSegmentChargesWhatTheThreadUsedBetweenItsStartAndItsEnd() {
        usage.cpu = 5_000_000;
        usage.allocated = 10_000;
        QuotaPermit permit = permit();
        CostMeter.Segment segment = meter.start();
        usage.cpu += 3_000_000;
        usage.allocated += 4_096;
        segment.charge(permit);

        assertThat(charged(permit, Counted.CPU)).isEqualTo(3_000_000);
        assertThat(charged(permit, Counted.ALLOCATED)).isEqualTo(4_096);
    }

    @Test
    void theSegmentsOfOneRequestAddUp() {
        QuotaPermit permit = permit();
        for (int part = 0; part < 3; part++) {
            CostMeter.Segment segment = meter.start();
            usage.cpu += 1_000;
            segment.charge(permit);
        }
        assertThat(charged(permit, Counted.CPU)).isEqualTo(3_000);
    }

    @Test
    void onlyTheUnitsALimitCountsAreRead() {
        units = EnumSet.of(Counted.CPU);
        QuotaPermit permit = permit();
        CostMeter.Segment segment = meter.start();
        usage.cpu += 7;
        usage.allocated += 1_000;
        segment.charge(permit);

        assertThat(charged(permit, Counted.CPU)).isEqualTo(7);
        assertThat(charged(permit, Counted.ALLOCATED)).isZero();
        assertThat(usage.reads).as("the CPU clock at the start and the end, the allocation counter never").isEqualTo(2);
    }

    @Test
    void withNothingCountedAtTheEndNothingIsReadOrCharged() {
        units = Set.of();
        QuotaPermit permit = permit();
        CostMeter.Segment segment = meter.start();
        usage.cpu += 1_000_000;
        segment.charge(permit);

        assertThat(segment).isSameAs(CostMeter.Segment.NONE);
        assertThat(usage.reads).isZero();
        assertThat(permit.charges()).isNull();
    }

    @Test
    void unitsAreAskedForAtEveryStartSoATierChangedAtRunTimeApplies() {
        units = Set.of();
        assertThat(meter.start()).isSameAs(CostMeter.Segment.NONE);
        units = EnumSet.of(Counted.ALLOCATED);
        QuotaPermit permit = permit();
        CostMeter.Segment segment = meter.start();
        usage.allocated += 2_048;
        segment.charge(permit);
        assertThat(charged(permit, Counted.ALLOCATED)).isEqualTo(2_048);
    }

    @Test
    void aUnitTheJvmDoesNotCountIsNotMeasuredAndWarnedAboutOnce() {
        usage.cpuCounted = false;
        List<LogRecord> warnings = new ArrayList<>();
        Logger log = Logger.getLogger(CostMeter.class.getName());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                warnings.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try {
            QuotaPermit permit = permit();
            for (int i = 0; i < 3; i++) {
                CostMeter.Segment segment = meter.start();
                usage.allocated += 100;
                segment.charge(permit);
            }
            assertThat(charged(permit, Counted.CPU)).isZero();
            assertThat(charged(permit, Counted.ALLOCATED)).as("the other unit still is").isEqualTo(300);
            // once per JVM (no other test runs a meter on a JVM without CPU time)
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).getMessage()).contains("counts CPU", "never refuses");
        } finally {
            log.removeHandler(handler);
        }
    }

    @Test
    void aCounterSwitchedOffMidSegmentChargesNothingForIt() {
        QuotaPermit permit = permit();
        CostMeter.Segment segment = meter.start();
        usage.cpu += 500;
        usage.cpuCounted = false; // ThreadMXBean.setThreadCpuTimeEnabled(false): the end reads -1
        segment.charge(permit);
        assertThat(charged(permit, Counted.CPU)).isZero();
    }

    @Test
    void aSegmentEndedOnAnotherThreadChargesNothing() throws InterruptedException {
        QuotaPermit permit = permit();
        CostMeter.Segment segment = meter.start();
        usage.cpu += 500;
        Thread other = new Thread(() -> segment.charge(permit));
        other.start();
        other.join();
        assertThat(permit.charges()).isNull();
    }

    @Test
    void aClosedPermitIsNotChargedAndItsListenersAreNotTold() {
        List<Long> told = new ArrayList<>();
        meter.listen((p, cpu, allocated) -> told.add(cpu));
        QuotaPermit permit = permit();
        CostMeter.Segment segment = meter.start();
        usage.cpu += 500;
        permit.close();
        segment.charge(permit);
        assertThat(permit.charges()).isNull();
        assertThat(told).isEmpty();
    }

    @Test
    void listenersAreToldEachChargeAndTheirFailureDoesNotReachTheCaller() {
        AtomicReference<String> told = new AtomicReference<>();
        meter.listen((p, cpu, allocated) -> {
            throw new IllegalStateException("a broken listener");
        });
        meter.listen((p, cpu, allocated) -> told.set(p.user() + " " + cpu + " " + allocated));
        QuotaPermit permit = permit();
        CostMeter.Segment segment = meter.start();
        usage.cpu += 2_000;
        usage.allocated += 64;
        segment.charge(permit);
        assertThat(told).hasValue("ann 2000 64");
    }

    @Test
    void theJvmCountsWhatThisThreadBurns() {
        ThreadUsage jvm = ThreadUsage.jvm();
        if (!jvm.measuresCpu() || !jvm.measuresAllocated()) {
            return; // nothing to compare on a JVM without them: the meter degrades, as tested above
        }
        CostMeter real = new CostMeter(() -> EnumSet.of(Counted.CPU, Counted.ALLOCATED), jvm);
        QuotaPermit permit = permit();
        CostMeter.Segment segment = real.start();
        long sink = 0;
        List<long[]> kept = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            kept.add(new long[128]); // about 2 MB, kept alive
            for (int j = 0; j < 10_000; j++) {
                sink += (long) j * i ^ sink;
            }
        }
        segment.charge(permit);
        assertThat(sink + kept.size()).isNotZero();
        assertThat(charged(permit, Counted.CPU)).isPositive();
        assertThat(charged(permit, Counted.ALLOCATED)).isGreaterThanOrEqualTo(2_000L * 128 * 8);
    }
}
