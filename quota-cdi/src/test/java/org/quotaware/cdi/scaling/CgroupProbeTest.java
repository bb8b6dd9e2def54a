package org.quotaware.cdi.scaling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quotaware.scaling.SystemMetrics;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** CPU and memory from cgroup files: fixture directories laid out as {@code /proc} and {@code /sys/fs/cgroup} are. */
class CgroupProbeTest {

    private static final String V2_MOUNT = "29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 "
            + "- cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n";
    private static final String V1_MOUNTS = """
            31 23 0:28 / /sys/fs/cgroup ro,nosuid,nodev,noexec - tmpfs tmpfs ro,mode=755
            32 31 0:29 /docker/abc /sys/fs/cgroup/cpu,cpuacct ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,cpu,cpuacct
            35 31 0:32 /docker/abc /sys/fs/cgroup/memory ro,nosuid,nodev,noexec,relatime - cgroup cgroup rw,memory
            41 31 0:38 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime - cgroup2 cgroup2 rw
            """;
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path root;

    private final MutableClock clock = new MutableClock();
    private final HostProbe host = new HostProbe();

    /** The host's values, recognisable: CPU 0.9, memory 0.8. */
    private static final class HostProbe implements SystemProbe {
        long busy;
        long total;

        @Override
        public long[] cpuTicks() {
            return new long[] {busy, total};
        }

        @Override
        public double memoryUsed() {
            return 0.8;
        }

        @Override
        public double diskUsed() {
            return 0.25;
        }

        @Override
        public long[] networkBytes() {
            return new long[] {0, 0};
        }
    }

    private void file(String path, String text) throws IOException {
        Path f = root.resolve(path);
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    private SystemProbe detect() {
        return CgroupProbe.detect(root, host, () -> clock.millis() * 1_000_000);
    }

    private SystemMonitor monitor(SystemProbe probe) {
        return new SystemMonitor(probe, clock, () -> new long[] {0, 0});
    }

    private void v2(String dir, String cpuMax, String memoryMax) throws IOException {
        file("proc/self/mountinfo", V2_MOUNT);
        file(dir + "/cpu.max", cpuMax + "\n");
        file(dir + "/cpu.stat", "usage_usec 1000000\nuser_usec 800000\nsystem_usec 200000\n");
        file(dir + "/memory.max", memoryMax + "\n");
        file(dir + "/memory.current", 512 * MIB + "\n");
        file(dir + "/memory.stat", "anon 100\nfile 300\ninactive_file " + 128 * MIB + "\nactive_file 5\n");
    }

    @Test
    void v2WithLimitsMeasuresCpuAgainstTheQuotaAndMemoryAgainstTheLimit() throws IOException {
        file("proc/self/cgroup", "0::/\n");
        v2("sys/fs/cgroup", "150000 100000", Long.toString(1024 * MIB));
        SystemMonitor monitor = monitor(detect());

        clock.advance(Duration.ofSeconds(2));
        // 1.5 CPU-seconds used in 2 s of a 1.5-CPU quota: half of it
        file("sys/fs/cgroup/cpu.stat", "usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n");
        SystemMetrics m = monitor.sample();

        assertThat(m.cpuLoad()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        // the working set: 512 MiB used less 128 MiB of inactive file cache, of 1 GiB
        assertThat(m.memoryUsed()).isEqualTo(0.375);
        assertThat(m.diskUsed()).isEqualTo(0.25);
    }

    @Test
    void v2InANestedCgroupIsFoundBelowTheMountPoint() throws IOException {
        file("proc/self/cgroup", "0::/kubepods/burstable/pod1/c1\n");
        v2("sys/fs/cgroup/kubepods/burstable/pod1/c1", "200000 100000", Long.toString(2048 * MIB));
        file("sys/fs/cgroup/cpu.max", "max 100000\n"); // the root: no limit, must not be the one read
        SystemProbe probe = detect();

        assertThat(probe).isInstanceOf(CgroupProbe.class);
        assertThat(probe.memoryUsed()).isEqualTo((512 - 128) / 2048.0);
        long[] ticks = probe.cpuTicks();
        assertThat(ticks[0]).isEqualTo(1_000_000);
    }

    @Test
    void v2WithoutLimitsUsesTheHost() throws IOException {
        file("proc/self/cgroup", "0::/\n");
        v2("sys/fs/cgroup", "max 100000", "max");

        assertThat(detect()).isSameAs(host);
    }

    @Test
    void v2WithOnlyAMemoryLimitTakesCpuFromTheHost() throws IOException {
        file("proc/self/cgroup", "0::/\n");
        v2("sys/fs/cgroup", "max 100000", Long.toString(1024 * MIB));
        host.busy = 9;
        host.total = 10;
        SystemProbe probe = detect();

        assertThat(probe.cpuTicks()).containsExactly(9, 10);
        assertThat(probe.memoryUsed()).isEqualTo(0.375);
    }

    @Test
    void v1ReadsTheCpuAndMemoryControllersOfAHybridHost() throws IOException {
        file("proc/self/cgroup", "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n0::/\n");
        file("proc/self/mountinfo", V1_MOUNTS);
        file("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "50000\n");
        file("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        file("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", "7000000000\n");
        file("sys/fs/cgroup/memory/memory.limit_in_bytes", 256 * MIB + "\n");
        file("sys/fs/cgroup/memory/memory.usage_in_bytes", 160 * MIB + "\n");
        file("sys/fs/cgroup/memory/memory.stat", "cache 1\ninactive_file " + 32 * MIB + "\ntotal_inactive_file 0\n");
        SystemMonitor monitor = monitor(detect());

        clock.advance(Duration.ofSeconds(4));
        // 1 CPU-second (in ns) in 4 s of half a CPU
        file("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", "8000000000\n");
        SystemMetrics m = monitor.sample();

        assertThat(m.cpuLoad()).isEqualTo(0.5);
        assertThat(m.memoryUsed()).isEqualTo(0.5);
    }

    @Test
    void v1WithoutLimitsUsesTheHost() throws IOException {
        file("proc/self/cgroup", "12:memory:/docker/abc\n4:cpu,cpuacct:/docker/abc\n");
        file("proc/self/mountinfo", V1_MOUNTS);
        file("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "-1\n");
        file("sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n");
        file("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", "7000000000\n");
        file("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        file("sys/fs/cgroup/memory/memory.usage_in_bytes", "1000\n");

        assertThat(detect()).isSameAs(host);
    }

    @Test
    void withoutCgroupFilesTheHostIsUsed() {
        assertThat(detect()).isSameAs(host);
    }

    @Test
    void malformedLimitsAreNoLimits() throws IOException {
        file("proc/self/cgroup", "0::/\ngarbage\n");
        file("proc/self/mountinfo", "not a mount line\n" + V2_MOUNT);
        file("sys/fs/cgroup/cpu.max", "lots 100000\n");
        file("sys/fs/cgroup/cpu.stat", "usage_usec 1\n");
        file("sys/fs/cgroup/memory.max", "1G\n");
        file("sys/fs/cgroup/memory.current", "1\n");

        assertThat(detect()).isSameAs(host);
    }

    @Test
    void aUsageFileThatTurnsBadMakesTheValueUnknownNotWrong() throws IOException {
        file("proc/self/cgroup", "0::/\n");
        v2("sys/fs/cgroup", "100000 100000", Long.toString(1024 * MIB));
        SystemMonitor monitor = monitor(detect());

        clock.advance(Duration.ofSeconds(1));
        file("sys/fs/cgroup/cpu.stat", "user_usec 5\n");
        file("sys/fs/cgroup/memory.current", "a lot\n");
        SystemMetrics m = monitor.sample();

        assertThat(m.cpuLoad()).isNaN();
        assertThat(m.memoryUsed()).isNaN();
        assertThat(m.diskUsed()).isEqualTo(0.25);
    }
}
