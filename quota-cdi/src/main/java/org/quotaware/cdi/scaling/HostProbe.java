package org.quotaware.cdi.scaling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * {@link SystemProbe} on what the JDK and Linux give without a native library: on Linux, CPU ticks from
 * {@code /proc/stat}, memory from {@code /proc/meminfo} ({@code MemAvailable}: page cache the kernel can drop is not
 * in use) and network bytes from {@code /proc/net/dev}; elsewhere, CPU and memory from
 * {@code com.sun.management.OperatingSystemMXBean}, and network unknown (add OSHI for it). Disk from the working
 * directory's {@link FileStore}. No rule reads disk or network; they are shown in the admin API only.
 */
final class HostProbe implements SystemProbe {

    private final Path proc;
    private final boolean linux;
    private final FileStore store;
    /** Elsewhere than Linux; null where the platform has none or the container hides it (WildFly's modules do). */
    private final JdkLoad os;
    private final LongSupplier nanoClock;
    /** Elsewhere than Linux: CPU ticks made of the JDK's load between two reads, in ns of elapsed time. */
    private long busyNanos;
    private long totalNanos;
    private long lastNanos;

    /**
     * @param proc {@code /proc} in production; a fixture directory in tests (read when it has {@code stat})
     * @param disk the working directory
     */
    HostProbe(Path proc, Path disk, LongSupplier nanoClock) {
        this.proc = proc;
        this.linux = Files.isReadable(proc.resolve("stat")) && Files.isReadable(proc.resolve("meminfo"));
        this.store = fileStore(disk);
        this.os = linux ? null : JdkLoad.create();
        this.nanoClock = nanoClock;
        this.lastNanos = nanoClock.getAsLong();
    }

    /** "the host (/proc)" or "the host (JDK)", for the log line that says where each value comes from. */
    @Override
    public String source() {
        return linux ? "/proc" : "JDK";
    }

    @Override
    public synchronized long[] cpuTicks() {
        if (linux) {
            // cpu  user nice system idle iowait irq softirq steal ...
            String[] f = lines("stat").get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            return new long[] {total - idle, total};
        }
        if (os == null) {
            throw new UnsupportedOperationException("no /proc and no com.sun.management.OperatingSystemMXBean");
        }
        // the JDK answers the load since its previous call: weigh it by the time it covers
        long now = nanoClock.getAsLong();
        double load = os.cpuLoad();
        long elapsed = now - lastNanos;
        lastNanos = now;
        if (load >= 0 && elapsed > 0) {
            busyNanos += (long) (load * elapsed);
            totalNanos += elapsed;
        }
        return new long[] {busyNanos, totalNanos};
    }

    @Override
    public double memoryUsed() {
        if (linux) {
            long total = -1;
            long available = -1;
            for (String line : lines("meminfo")) {
                if (line.startsWith("MemTotal:")) {
                    total = kilobytes(line);
                } else if (line.startsWith("MemAvailable:")) {
                    available = kilobytes(line);
                }
            }
            return total <= 0 || available < 0 ? Double.NaN : (double) (total - available) / total;
        }
        if (os == null) {
            return Double.NaN;
        }
        return os.memoryUsed();
    }

    @Override
    public double diskUsed() {
        if (store == null) {
            return Double.NaN;
        }
        try {
            long total = store.getTotalSpace();
            return total <= 0 ? Double.NaN : (double) (total - store.getUsableSpace()) / total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long[] networkBytes() {
        if (!Files.isReadable(proc.resolve("net/dev"))) {
            throw new UnsupportedOperationException("no /proc/net/dev: network throughput needs OSHI here");
        }
        long received = 0;
        long sent = 0;
        // "  eth0: rxbytes rxpackets errs drop fifo frame compressed multicast txbytes ..."
        for (String line : lines("net/dev")) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.substring(0, colon).trim().equals("lo")) {
                continue;
            }
            String[] f = line.substring(colon + 1).trim().split("\\s+");
            received += Long.parseLong(f[0]);
            sent += Long.parseLong(f[8]);
        }
        return new long[] {received, sent};
    }

    /**
     * The JDK's own load figures ({@code com.sun.management}, module jdk.management): a class of its own, loaded only
     * off Linux, so that a container that does not export that module to applications cannot fail the probe.
     */
    static final class JdkLoad {
        private final com.sun.management.OperatingSystemMXBean bean;

        private JdkLoad(com.sun.management.OperatingSystemMXBean bean) {
            this.bean = bean;
        }

        static JdkLoad create() {
            try {
                return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean b
                        ? new JdkLoad(b) : null;
            } catch (LinkageError notExported) {
                return null;
            }
        }

        double cpuLoad() {
            return bean.getCpuLoad();
        }

        double memoryUsed() {
            long total = bean.getTotalMemorySize();
            return total <= 0 ? Double.NaN : (double) (total - bean.getFreeMemorySize()) / total;
        }
    }

    private List<String> lines(String file) {
        try {
            return Files.readAllLines(proc.resolve(file), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    private static FileStore fileStore(Path disk) {
        try {
            return Files.getFileStore(disk);
        } catch (IOException e) {
            return null;
        }
    }
}
