package org.quotaware.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SystemMetricsTest {

    private static final Instant NOW = Trace.START;

    @Test
    void loadsAreFractionsOrUnknown() {
        assertThatThrownBy(() -> SystemMetrics.of(NOW, 70, 0.5, 0, 0))
                .hasMessage("cpuLoad must be between 0 and 1 or NaN (unknown), was 70.0");
        assertThatThrownBy(() -> SystemMetrics.of(NOW, 0.5, 0.5, -1, 0))
                .hasMessage("task counts must be >= 0, were -1/0");
        SystemMetrics unknown = SystemMetrics.unknown(NOW);
        assertThat(unknown.cpuLoad()).isNaN();
        assertThat(unknown.heapUsed()).isNaN();
        assertThat(new SystemMetrics(NOW, 0, 0, 0, 0, 0, 256, 1024, 0, 0).heapUsed()).isEqualTo(0.25);
    }

    @Test
    void theClusterLoadIsTheMeanOfLoadsAndTheSumOfWork() {
        SystemMetrics a = new SystemMetrics(NOW, 0.9, 0.5, 0.2, 100, 50, 100, 1000, 6, 40);
        SystemMetrics b = new SystemMetrics(NOW.minusSeconds(5), 0.5, Double.NaN, 0.4, 300, 150, 300, 1000, 4, 20);
        SystemMetrics stale = new SystemMetrics(NOW.minusSeconds(60), 0.0, 0.0, 0.0, 0, 0, 0, 1000, 100, 100);

        SystemMetrics cluster = SystemMetrics.aggregate(List.of(a, b, stale), NOW, Duration.ofSeconds(30));

        assertThat(cluster.timestamp()).isEqualTo(NOW);
        assertThat(cluster.cpuLoad()).isCloseTo(0.7, within(1e-9));
        assertThat(cluster.memoryUsed()).as("only the member that knows it").isEqualTo(0.5);
        assertThat(cluster.diskUsed()).isCloseTo(0.3, within(1e-9));
        assertThat(cluster.networkInBytesPerSecond()).isEqualTo(400);
        assertThat(cluster.heapUsedBytes()).isEqualTo(400);
        assertThat(cluster.heapMaxBytes()).isEqualTo(2000);
        assertThat(cluster.activeTasks()).isEqualTo(10);
        assertThat(cluster.queuedTasks()).isEqualTo(60);
        assertThat(SystemMetrics.aggregate(List.of(stale), NOW, Duration.ofSeconds(30)).cpuLoad()).isNaN();
    }
}
