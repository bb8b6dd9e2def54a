package org.quotaware.cdi.scaling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * CPU and memory of the container this process runs in, read from its cgroup (v2, else v1), so that a member limited
 * to 2 CPUs and 1 GiB is loaded when it uses them, whatever the host has. Disk and network, and CPU or memory without
 * a container limit, come from the host probe ({@link HostProbe}, or OSHI where it is on the class path).
 * <ul>
 * <li>CPU: the cgroup's usage ({@code cpu.stat usage_usec}; v1 {@code cpuacct.usage}) over the elapsed time times the
 * CPUs of its quota ({@code cpu.max}; v1 {@code cpu.cfs_quota_us / cpu.cfs_period_us}), between two samples.</li>
 * <li>Memory: the working set (usage less the inactive file cache, as the kubelet counts it: {@code memory.current};
 * v1 {@code memory.usage_in_bytes}, less {@code inactive_file} of {@code memory.stat}) over the limit
 * ({@code memory.max}; v1 {@code memory.limit_in_bytes}).</li>
 * </ul>
 * The process's cgroup is found from {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}. A quota of
 * {@code max} (v1: -1, or a limit near {@code Long.MAX_VALUE}) is no container limit. Limits are read once, when the
 * probe is made; the usage on every sample. Files are read below {@code root}, so tests give fixture directories.
 */
final class CgroupProbe implements SystemProbe {

    private static final Logger LOG = Logger.getLogger(CgroupProbe.class.getName());
    /** v1 writes "no limit" as the largest page-aligned long; anything this large is no limit. */
    private static final long UNLIMITED_V1 = 1L << 62;

    /** Where a container's CPU is read: cumulative usage in µs, and the CPUs of its quota. */
    record Cpu(Path usage, boolean v2, double cpus) {
    }

    /** Where a container's memory is read, and its limit in bytes. */
    record Memory(Path usage, Path stat, long limit) {
    }

    private final Cpu cpu;
    private final Memory memory;
    private final SystemProbe host;
    private final LongSupplier nanoClock;

    CgroupProbe(Cpu cpu, Memory memory, SystemProbe host, LongSupplier nanoClock) {
        this.cpu = cpu;
        this.memory = memory;
        this.host = host;
        this.nanoClock = nanoClock;
    }

    /**
     * The container's limits where it has any, the host's values elsewhere; says once in the log which source each
     * value comes from.
     *
     * @param root {@code /} in production; a fixture directory in tests
     */
    static SystemProbe detect(Path root, SystemProbe host, LongSupplier nanoClock) {
        Cgroups groups = Cgroups.of(root);
        Cpu cpu = groups.cpu();
        Memory memory = groups.memory();
        String hostSource = "the host (" + host.source() + ")";
        LOG.info(() -> "quotaware: CPU from " + (cpu == null ? hostSource : "the container's cgroup "
                + (cpu.v2 ? "v2" : "v1") + " (" + cpu.cpus + " CPUs, " + cpu.usage.getParent() + ")")
                + ", memory from " + (memory == null ? hostSource : "the container's cgroup (limit "
                + memory.limit / (1024 * 1024) + " MiB, " + memory.usage.getParent() + ")")
                + ", disk and network from " + hostSource);
        return cpu == null && memory == null ? host : new CgroupProbe(cpu, memory, host, nanoClock);
    }

    /** {@code {busy, capacity}} in µs: the cgroup's usage, and the elapsed time times its CPUs. */
    @Override
    public long[] cpuTicks() {
        if (cpu == null) {
            return host.cpuTicks();
        }
        long used = cpu.v2 ? statValue(cpu.usage, "usage_usec") : number(cpu.usage) / 1_000;
        long capacity = (long) (nanoClock.getAsLong() / 1_000 * cpu.cpus);
        return new long[] {used, capacity};
    }

    @Override
    public double memoryUsed() {
        if (memory == null) {
            return host.memoryUsed();
        }
        long usage = number(memory.usage);
        long inactive = Files.isReadable(memory.stat) ? Math.max(0, statValueOr(memory.stat, "inactive_file", 0)) : 0;
        return Math.min(1, (double) Math.max(0, usage - inactive) / memory.limit);
    }

    @Override
    public double diskUsed() {
        return host.diskUsed();
    }

    @Override
    public long[] networkBytes() {
        return host.networkBytes();
    }

    static long number(Path file) {
        String text = read(file).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(file + " does not hold a number: '" + text + "'", e);
        }
    }

    private static long statValue(Path file, String key) {
        long v = statValueOr(file, key, Long.MIN_VALUE);
        if (v == Long.MIN_VALUE) {
            throw new IllegalStateException(file + " has no " + key);
        }
        return v;
    }

    private static long statValueOr(Path file, String key, long absent) {
        for (String line : read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2 && kv[0].equals(key)) {
                try {
                    return Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalStateException(file + ": " + key + " is not a number: '" + kv[1] + "'", e);
                }
            }
        }
        return absent;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The process's cgroup directories, from {@code /proc/self/cgroup} and {@code /proc/self/mountinfo}. */
    record Cgroups(Path root, List<String> membership, List<String> mounts) {

        static Cgroups of(Path root) {
            return new Cgroups(root, lines(root.resolve("proc/self/cgroup")), lines(root.resolve("proc/self/mountinfo")));
        }

        private static List<String> lines(Path file) {
            try {
                return Files.isReadable(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
            } catch (IOException | UncheckedIOException e) {
                return List.of();
            }
        }

        /** The CPU quota, v2 before v1; null when there is none or it cannot be read. */
        Cpu cpu() {
            Path v2 = directory(null);
            if (v2 != null && Files.isReadable(v2.resolve("cpu.max"))) {
                String[] max = read(v2.resolve("cpu.max")).trim().split("\\s+");
                if (max.length == 2 && !max[0].equals("max") && Files.isReadable(v2.resolve("cpu.stat"))) {
                    double cpus = cpus(max[0], max[1]);
                    return cpus > 0 ? new Cpu(v2.resolve("cpu.stat"), true, cpus) : null;
                }
                return null;
            }
            Path quotaDir = directory("cpu");
            Path usageDir = directory("cpuacct");
            if (quotaDir == null || usageDir == null || !Files.isReadable(quotaDir.resolve("cpu.cfs_quota_us"))
                    || !Files.isReadable(usageDir.resolve("cpuacct.usage"))) {
                return null;
            }
            double cpus = cpus(read(quotaDir.resolve("cpu.cfs_quota_us")).trim(),
                    read(quotaDir.resolve("cpu.cfs_period_us")).trim());
            return cpus > 0 ? new Cpu(usageDir.resolve("cpuacct.usage"), false, cpus) : null;
        }

        /** The memory limit, v2 before v1; null when there is none or it cannot be read. */
        Memory memory() {
            Path v2 = directory(null);
            if (v2 != null && Files.isReadable(v2.resolve("memory.max"))) {
                long limit = limit(read(v2.resolve("memory.max")).trim());
                return limit > 0 && Files.isReadable(v2.resolve("memory.current"))
                        ? new Memory(v2.resolve("memory.current"), v2.resolve("memory.stat"), limit) : null;
            }
            Path v1 = directory("memory");
            if (v1 == null || !Files.isReadable(v1.resolve("memory.limit_in_bytes"))) {
                return null;
            }
            long limit = limit(read(v1.resolve("memory.limit_in_bytes")).trim());
            return limit > 0 && limit < UNLIMITED_V1 && Files.isReadable(v1.resolve("memory.usage_in_bytes"))
                    ? new Memory(v1.resolve("memory.usage_in_bytes"), v1.resolve("memory.stat"), limit) : null;
        }

        /** quota / period, or 0 for no (or an unreadable) quota. */
        private static double cpus(String quota, String period) {
            try {
                long q = Long.parseLong(quota);
                long p = Long.parseLong(period);
                return q > 0 && p > 0 ? (double) q / p : 0;
            } catch (NumberFormatException e) {
                LOG.warning(() -> "quotaware: unreadable CPU quota '" + quota + " " + period + "'; using the host's");
                return 0;
            }
        }

        /** Bytes, or 0 for "max" (no limit) or an unreadable value. */
        private static long limit(String text) {
            if (text.equals("max")) {
                return 0;
            }
            try {
                return Math.max(0, Long.parseLong(text));
            } catch (NumberFormatException e) {
                LOG.warning(() -> "quotaware: unreadable memory limit '" + text + "'; using the host's");
                return 0;
            }
        }

        /**
         * The directory of this process's cgroup for a v1 controller, or the v2 one ({@code controller} null): the
         * mount point of that hierarchy plus the cgroup's path below the mount's root. In a container with its own
         * cgroup namespace the path is {@code /} and the directory is the mount point itself.
         */
        Path directory(String controller) {
            String path = null;
            for (String line : membership) {
                String[] f = line.split(":", 3); // id:controllers:path
                if (f.length == 3 && (controller == null ? f[0].equals("0") && f[1].isEmpty()
                        : List.of(f[1].split(",")).contains(controller))) {
                    path = f[2];
                }
            }
            if (path == null) {
                return null;
            }
            for (String line : mounts) {
                int dash = line.indexOf(" - ");
                if (dash < 0) {
                    continue;
                }
                String[] before = line.substring(0, dash).split(" ");
                String[] after = line.substring(dash + 3).split(" ");
                if (before.length < 5 || after.length < 3) {
                    continue;
                }
                boolean match = controller == null ? after[0].equals("cgroup2")
                        : after[0].equals("cgroup") && List.of(after[2].split(",")).contains(controller);
                if (match) {
                    String mountRoot = before[3];
                    Path mountPoint = root.resolve(before[4].substring(1));
                    String below = path.startsWith(mountRoot) ? path.substring(mountRoot.length()) : "";
                    Path dir = below.isEmpty() || below.equals("/") ? mountPoint : mountPoint.resolve(
                            below.startsWith("/") ? below.substring(1) : below);
                    return Files.isDirectory(dir) ? dir : mountPoint;
                }
            }
            return null;
        }
    }
}
