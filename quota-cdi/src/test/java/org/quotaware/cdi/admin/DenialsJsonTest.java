package org.quotaware.cdi.admin;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.Violation;
import org.quotaware.denials.Denial;

import static org.assertj.core.api.Assertions.assertThat;

class DenialsJsonTest {

    @Test
    void aDenialIsWrittenAsTheDashboardReadsIt() {
        Denial d = new Denial(Instant.parse("2026-11-29T20:00:00Z"), "key:alice", "default", "/api/pricelists",
                "member-1", false, List.of(new Violation(Limit.REQUESTS_PER_MINUTE, 30, 30, 12),
                new Violation(Limit.FILE_SIZE, 100, 200, Violation.NEVER)));
        Denial shadow = new Denial(Instant.parse("2026-11-29T20:00:01Z"), null, "default", null, "member-1", true,
                List.of(new Violation(Limit.CONCURRENT_TASKS, 3, 3, 1)));

        assertThat(DenialsResource.json(List.of(d, shadow)).toString()).isEqualTo("[{\"time\":\"2026-11-29T20:00:00Z\","
                + "\"user\":\"key:alice\",\"tier\":\"default\",\"path\":\"/api/pricelists\",\"member\":\"member-1\","
                + "\"shadow\":false,\"violations\":[{\"limit\":\"rpm\",\"max\":30,\"current\":30,"
                + "\"retryAfterSeconds\":12,\"message\":\"rpm: 30 of 30 used; retry in 12 s\"},{\"limit\":"
                + "\"file-size\",\"max\":100,\"current\":200,\"retryAfterSeconds\":null,\"message\":\"file-size: 200 "
                + "bytes exceeds the limit of 100 bytes; will not pass as it is\"}]},{\"time\":"
                + "\"2026-11-29T20:00:01Z\",\"user\":null,\"tier\":\"default\",\"path\":null,\"member\":\"member-1\","
                + "\"shadow\":true,\"violations\":[{\"limit\":\"tasks\",\"max\":3,\"current\":3,"
                + "\"retryAfterSeconds\":1,\"message\":\"tasks: 3 of 3 used; retry in 1 s\"}]}]");
    }
}
