package org.quotaware.servlet;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.quotaware.http.IpAddresses;

import static org.assertj.core.api.Assertions.assertThat;

/** Address handling in isolation. */
class ResponseFormatTest {

    @Test
    void addressesAreLiteralsOnlyAndIpv6CountsPerSlash64() throws Exception {
        assertThat(IpAddresses.parse("localhost")).isNull();
        assertThat(IpAddresses.parse("10.1")).isNull();
        assertThat(IpAddresses.parse("unknown")).isNull();
        assertThat(IpAddresses.parse("203.0.113.9:4711")).isEqualTo(InetAddress.getByName("203.0.113.9"));
        assertThat(IpAddresses.parse("[2001:db8::1]:443")).isEqualTo(InetAddress.getByName("2001:db8::1"));
        assertThat(IpAddresses.identity(IpAddresses.parse("2001:0db8:0001:0002:ffff::1")))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(IpAddresses.identity(IpAddresses.parse("::ffff:198.51.100.7"))).isEqualTo("198.51.100.7");

        IpAddresses.Range range = IpAddresses.parseRanges("k", "10.0.0.0/9").get(0);
        assertThat(range.contains(InetAddress.getByName("10.127.255.255"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("10.128.0.0"))).isFalse();
        assertThat(range.contains(InetAddress.getByName("::ffff:10.1.2.3"))).isTrue();
        assertThat(IpAddresses.parseRanges("k", "2001:db8::/32").get(0)
                .contains(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
    }
}
