package org.quotaware.http;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.config.ConfigValues;

/**
 * IP address literals and CIDR ranges, IPv4 and IPv6. Literals are parsed without ever asking DNS: a host name in a
 * header or in the configuration is an error, never a lookup.
 */
public final class IpAddresses {

    /** One address range, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a plain address is a range of one. */
    public record Range(byte[] network, int prefixBits) {
        public boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }

    private IpAddresses() {
    }

    /**
     * An address literal (IPv6 may be in brackets, a port after it is ignored), or null when it is not one. Parsed by
     * hand: {@link InetAddress#getByName} would ask DNS for anything that is not a literal it knows ("999.1.1.1").
     */
    public static InetAddress parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0 || !AddressLiterals.port(s.substring(end + 1), true)) {
                return null;
            }
            s = s.substring(1, end);
        } else if (s.indexOf(':') > 0 && s.indexOf(':') == s.lastIndexOf(':') && s.indexOf('.') > 0) {
            if (!AddressLiterals.port(s.substring(s.indexOf(':')), false)) {
                return null;
            }
            s = s.substring(0, s.indexOf(':')); // IPv4 with a port, as some proxies write it
        }
        byte[] bytes = s.indexOf(':') < 0 ? AddressLiterals.ipv4(s) : AddressLiterals.ipv6(s);
        try {
            return bytes == null ? null : InetAddress.getByAddress(bytes); // no lookup: the bytes are the address
        } catch (UnknownHostException e) {
            return null; // only for a length other than 4 or 16
        }
    }

    /** The address as one identity: IPv4 as is, IPv6 by its /64 network (one subscriber gets a whole /64). */
    public static String identity(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            return String.format("%x:%x:%x:%x::/64", word(b, 0), word(b, 2), word(b, 4), word(b, 6));
        }
        return address.getHostAddress();
    }

    private static int word(byte[] b, int i) {
        return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
    }

    /** Parses {@code identity.trusted-proxies}: addresses and CIDR ranges, comma-separated. */
    public static List<Range> parseRanges(String key, String raw) {
        List<Range> ranges = new ArrayList<>();
        for (String item : ConfigValues.list(raw)) {
            int slash = item.indexOf('/');
            InetAddress address = parse(slash < 0 ? item : item.substring(0, slash));
            if (address == null) {
                throw invalid(key, item);
            }
            int maxBits = address.getAddress().length * 8;
            int bits = maxBits;
            if (slash >= 0) {
                String prefix = item.substring(slash + 1);
                if (!prefix.matches("\\d{1,3}")) {
                    throw invalid(key, item);
                }
                bits = Integer.parseInt(prefix);
                if (bits > maxBits) {
                    throw invalid(key, item);
                }
            }
            ranges.add(new Range(address.getAddress(), bits));
        }
        return ranges;
    }

    private static InvalidQuotaConfigException invalid(String key, String item) {
        return ConfigValues.fail(key, "trustedProxy", item,
                "an IPv4 or IPv6 address or CIDR range such as 10.0.0.0/8 or 2001:db8::/32");
    }
}
