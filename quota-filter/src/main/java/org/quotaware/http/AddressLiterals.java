package org.quotaware.http;

import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of IPv4 and IPv6 address literals, parsed by hand: nothing here can turn into a DNS lookup, and a text
 * that is not a literal is null, never a guess.
 */
final class AddressLiterals {

    private AddressLiterals() {
    }

    /** Nothing, or (when {@code optional} or not) {@code :<port>}. */
    static boolean port(String rest, boolean optional) {
        if (rest.isEmpty()) {
            return optional;
        }
        return rest.length() >= 2 && rest.length() <= 6 && rest.charAt(0) == ':'
                && rest.substring(1).chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /** Four decimal numbers 0-255 without leading zeros (which some parsers read as octal), or null. */
    static byte[] ipv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
                    || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    /** Eight groups of 1-4 hex digits, one {@code ::} for a run of zero groups, an IPv4 tail; or null. */
    static byte[] ipv6(String s) {
        int gap = s.indexOf("::");
        if (gap >= 0 && s.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<Integer> head = gap < 0 ? groups(s) : groups(s.substring(0, gap));
        List<Integer> tail = gap < 0 ? List.of() : groups(s.substring(gap + 2));
        if (head == null || tail == null) {
            return null;
        }
        int count = head.size() + tail.size();
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            put(out, i, head.get(i));
        }
        for (int i = 0; i < tail.size(); i++) {
            put(out, 8 - tail.size() + i, tail.get(i));
        }
        return out;
    }

    /** Groups separated by single colons, the last of which may be an IPv4 address (two groups); "" is none. */
    private static List<Integer> groups(String s) {
        List<Integer> out = new ArrayList<>();
        if (s.isEmpty()) {
            return out;
        }
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = ipv4(p);
                if (v4 == null) {
                    return null;
                }
                out.add(((v4[0] & 0xFF) << 8) | (v4[1] & 0xFF));
                out.add(((v4[2] & 0xFF) << 8) | (v4[3] & 0xFF));
                return out;
            }
            if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128)) {
                return null;
            }
            out.add(Integer.parseInt(p, 16));
        }
        return out;
    }

    private static void put(byte[] out, int group, int value) {
        out[group * 2] = (byte) (value >> 8);
        out[group * 2 + 1] = (byte) value;
    }
}
