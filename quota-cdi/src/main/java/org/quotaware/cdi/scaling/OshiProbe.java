package org.quotaware.cdi.scaling;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.CentralProcessor.TickType;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;

/**
 * {@link SystemProbe} on OSHI, used where the application ships {@code com.github.oshi:oshi-core} (optional): network
 * throughput on platforms without {@code /proc}. The file store is read with {@code java.nio} instead: it is the store the path really
 * lives on (a bind mount in a container too), with no mount-table scan.
 */
final class OshiProbe implements SystemProbe {

    private final CentralProcessor processor;
    private final GlobalMemory memory;
    private final HardwareAbstractionLayer hardware;
    private final FileStore store;

    OshiProbe(Path disk) {
        this.hardware = new SystemInfo().getHardware();
        this.processor = hardware.getProcessor();
        this.memory = hardware.getMemory();
        this.store = fileStore(disk);
    }

    @Override
    public long[] cpuTicks() {
        long[] t = processor.getSystemCpuLoadTicks();
        long total = 0;
        for (long v : t) {
            total += v;
        }
        long idle = t[TickType.IDLE.getIndex()] + t[TickType.IOWAIT.getIndex()];
        return new long[] {total - idle, total};
    }

    @Override
    public double memoryUsed() {
        long total = memory.getTotal();
        return total <= 0 ? Double.NaN : (double) (total - memory.getAvailable()) / total;
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
        long received = 0;
        long sent = 0;
        // a fresh list each time: interfaces come and go; this runs on the sampling schedule, not per request
        for (NetworkIF nif : hardware.getNetworkIFs(false)) {
            received += nif.getBytesRecv();
            sent += nif.getBytesSent();
        }
        return new long[] {received, sent};
    }

    private static FileStore fileStore(Path disk) {
        try {
            return Files.getFileStore(disk);
        } catch (IOException e) {
            return null;
        }
    }
}
