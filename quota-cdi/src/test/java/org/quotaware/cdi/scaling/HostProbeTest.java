package org.quotaware.cdi.scaling;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The host's CPU, memory and network without OSHI: Linux's /proc files as the kernel writes them. */
class HostProbeTest {

    @TempDir
    Path proc;

    private HostProbe probe() throws Exception {
        Files.writeString(proc.resolve("stat"), """
                cpu  100 20 30 800 50 5 5 0 0 0
                cpu0 50 10 15 400 25 2 3 0 0 0
                intr 12345
                """);
        Files.writeString(proc.resolve("meminfo"), """
                MemTotal:       16000000 kB
                MemFree:         1000000 kB
                MemAvailable:   12000000 kB
                Cached:          9000000 kB
                """);
        Files.createDirectories(proc.resolve("net"));
        Files.writeString(proc.resolve("net/dev"), """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo: 999999     10    0    0    0     0          0         0   999999     10    0    0    0     0       0          0
                  eth0: 1000       5    0    0    0     0          0         0     2000       7    0    0    0     0       0          0
                 wlan0:  500       2    0    0    0     0          0         0      300       1    0    0    0     0       0          0
                """);
        return new HostProbe(proc, proc, System::nanoTime);
    }

    @Test
    void cpuTicksAreBusyAndTotalWithIdleAndIoWaitNotBusy() throws Exception {
        // user nice system idle iowait irq softirq steal: total 1010, idle 800 + iowait 50
        assertThat(probe().cpuTicks()).containsExactly(160, 1010);
    }

    @Test
    void memoryInUseLeavesOutWhatTheKernelCanDrop() throws Exception {
        // (total - available) / total, not (total - free): a full page cache is no pressure
        assertThat(probe().memoryUsed()).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void networkCountsEveryInterfaceButLoopback() throws Exception {
        assertThat(probe().networkBytes()).containsExactly(1500, 2300);
        assertThat(probe().source()).isEqualTo("/proc");
    }

    @Test
    void readsThisMachine() {
        HostProbe real = SystemMonitor.host(Path.of(".")) instanceof HostProbe h ? h : null;
        assertThat(real).isNotNull();
        if (real.source().equals("/proc")) {
            assertThat(real.cpuTicks()[1]).isPositive();
            assertThat(real.networkBytes()).hasSize(2).doesNotContain(-1L);
        }
        assertThat(real.memoryUsed()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(real.diskUsed()).isBetween(0.0, 1.0);
    }

    @Test
    void withoutProcTheJdkGivesCpuAndMemoryAndNetworkIsUnknown() throws Exception {
        AtomicLong nanos = new AtomicLong();
        HostProbe jdk = new HostProbe(proc.resolve("absent"), proc, nanos::get);
        nanos.addAndGet(1_000_000_000);
        long[] ticks = jdk.cpuTicks();

        assertThat(jdk.source()).isEqualTo("JDK");
        assertThat(ticks[1]).as("the second it covered").isEqualTo(1_000_000_000L);
        assertThat(ticks[0]).isBetween(0L, ticks[1]);
        assertThat(jdk.memoryUsed()).isBetween(0.0, 1.0);
        assertThat(jdk.diskUsed()).isBetween(0.0, 1.0);
        org.assertj.core.api.Assertions.assertThatThrownBy(jdk::networkBytes)
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("OSHI");
    }
}
