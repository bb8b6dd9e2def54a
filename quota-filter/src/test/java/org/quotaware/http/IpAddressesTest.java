package org.quotaware.http;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Address literals are parsed by hand: anything else is refused, and nothing is ever looked up. */
class IpAddressesTest {

    private static String parsed(String text) {
        InetAddress a = IpAddresses.parse(text);
        return a == null ? null : a.getHostAddress();
    }

    @Test
    void literalsInEveryWrittenForm() {
        String[][] written = {
            {"192.0.2.1", "192.0.2.1"}, {" 10.0.0.255 ", "10.0.0.255"}, {"192.0.2.1:8080", "192.0.2.1"},
            {"0.0.0.0", "0.0.0.0"}, {"2001:db8::1", "2001:db8:0:0:0:0:0:1"}, {"[2001:db8::1]", "2001:db8:0:0:0:0:0:1"},
            {"[2001:db8::1]:443", "2001:db8:0:0:0:0:0:1"}, {"::", "0:0:0:0:0:0:0:0"}, {"::1", "0:0:0:0:0:0:0:1"},
            {"fe80::", "fe80:0:0:0:0:0:0:0"}, {"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"},
            {"1:2:3:4:5:6::8", "1:2:3:4:5:6:0:8"}, {"::ffff:192.0.2.1", "192.0.2.1"}, // IPv4-mapped stays IPv4
            {"64:ff9b::192.0.2.1", "64:ff9b:0:0:0:0:c000:201"}};
        for (String[] w : written) {
            assertThat(parsed(w[0])).as(w[0]).isEqualTo(w[1]);
        }
    }

    @Test
    void anythingButALiteralIsRefused() {
        // "999.1.1.1" was handed to InetAddress.getByName, which then asked DNS for it as a host name
        for (String bad : new String[] {"999.1.1.1", "256.0.0.1", "host.example", "localhost", "1.2.3", "1.2.3.4.5",
                "010.1.1.1", "1.2.3.04", "1..2.3", "", " ", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", ":1", "1:",
                "::ffff:999.1.1.1", "fe80::1%eth0", "[2001:db8::1", "g::1", "1:2:3:4:5:6:7::8:9", "1.2.3.4:",
                "1.2.3.4:x", "+1.2.3.4", "1.2.3.-4", "0x7f.0.0.1", "::1.2.3.4:5"}) {
            assertThat(IpAddresses.parse(bad)).as(bad).isNull();
        }
        assertThat(IpAddresses.parse(null)).isNull();
    }
}
