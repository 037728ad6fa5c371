package dev.verge.edge;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which hosts {@code POST /url} may fetch from: public internet addresses, and whatever {@code --url-allow} names
 * (host names, addresses, CIDR blocks). Loopback, link-local (cloud metadata at 169.254.169.254 too), private,
 * carrier-grade NAT, multicast, unspecified, documentation, benchmarking and other reserved addresses are refused
 * in every spelling a resolver understands, because the check is made on the resolved address, never on the text.
 * {@link UrlImageFetcher} makes its connection to the addresses {@link #check} returned, so a name that resolves
 * to a public address here cannot be rebound to a private one before the connection is made.
 */
final class UrlGuard {
    /** The parts inet_aton reads: hex, octal or decimal numbers (first: the ranges below are parsed with it). */
    private static final Pattern NUMBER = Pattern.compile("0[xX][0-9a-fA-F]{0,8}|0[0-7]{0,11}|[1-9][0-9]{0,9}");
    /** Every address the agent refuses unless allowed; IPv6 outside 2000::/3 is refused as well (see isPublic). */
    private static final List<AddressRange> REFUSED = ranges(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.31.196.0/24", "192.52.193.0/24", "192.88.99.0/24", "192.168.0.0/16",
            "192.175.48.0/24", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "2001::/23", "2001:db8::/32", "2002::/16", "2620:4f:8000::/48", "3fff::/20");
    private static final AddressRange GLOBAL_UNICAST_V6 = AddressRange.parse("2000::/3");
    /** RFC 6052's well-known NAT64 prefix: the IPv4 address in its last 32 bits decides. */
    private static final AddressRange NAT64 = AddressRange.parse("64:ff9b::/96");

    /** Finds a host's addresses; the system's resolver in the agent, a fixed answer in tests. */
    @FunctionalInterface
    interface HostResolver {
        HostResolver SYSTEM = InetAddress::getAllByName;

        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A host whose address is refused; an UnknownHostException so that it leaves the HTTP client's resolver as is. */
    static final class AddressRefusedException extends UnknownHostException {
        AddressRefusedException(String host) {
            super(host);
        }
    }

    private final Set<String> allowedHosts = new TreeSet<>();
    private final List<AddressRange> allowedRanges = new ArrayList<>();
    private final HostResolver resolver;

    /** {@code allow}: host names, addresses or CIDR blocks, as {@code --url-allow} gives them. */
    UrlGuard(List<String> allow, HostResolver resolver) {
        this.resolver = resolver;
        for (String entry : allow) {
            String e = normalized(entry);
            if (e.isEmpty()) {
                continue;
            }
            if (e.contains("/") || literal(e) != null) {
                allowedRanges.add(AddressRange.parse(e));
            } else {
                allowedHosts.add(e);
            }
        }
    }

    /** The addresses to connect to for {@code host}, all of them allowed; refused when any one is not. */
    InetAddress[] check(String host) throws UnknownHostException {
        String name = normalized(host);
        InetAddress address = literal(name);
        if (address == null && name.contains(":")) {
            throw new UnknownHostException(host); // a broken IPv6 literal: no resolver is asked about it
        }
        InetAddress[] addresses = address != null ? new InetAddress[] {address} : resolver.resolve(name);
        if (addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        if (address == null && allowedHosts.contains(name)) {
            return addresses;
        }
        for (InetAddress a : addresses) {
            if (!allowed(a)) {
                throw new AddressRefusedException(host);
            }
        }
        return addresses;
    }

    private boolean allowed(InetAddress address) {
        for (AddressRange range : allowedRanges) {
            if (range.contains(address)) {
                return true;
            }
        }
        return isPublic(address);
    }

    static boolean isPublic(InetAddress address) {
        if (address instanceof Inet6Address) {
            if (NAT64.contains(address)) {
                byte[] b = address.getAddress();
                return isPublic(AddressRange.address(new byte[] {b[12], b[13], b[14], b[15]}));
            }
            if (!GLOBAL_UNICAST_V6.contains(address)) {
                return false;
            }
        }
        for (AddressRange range : REFUSED) {
            if (range.contains(address)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The address {@code host} spells, or null for a name: IPv6 (bracketed or not) and IPv4 the way inet_aton
     * reads it, so {@code 2130706433}, {@code 0x7f000001}, {@code 0177.0.0.1} and {@code 127.1} are all 127.0.0.1.
     */
    static InetAddress literal(String host) {
        String h = normalized(host);
        if (h.contains(":")) {
            try {
                return InetAddress.getByName(h); // an IPv6 literal: no lookup is made
            } catch (UnknownHostException e) {
                return null;
            }
        }
        String[] parts = h.split("\\.", -1);
        if (parts.length > 4) {
            return null;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (!NUMBER.matcher(p).matches()) {
                return null;
            }
            values[i] = p.startsWith("0x") || p.startsWith("0X") ? (p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16))
                    : p.length() > 1 && p.startsWith("0") ? Long.parseLong(p.substring(1), 8) : Long.parseLong(p);
        }
        long value = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 255) {
                return null;
            }
            value |= values[i] << (8 * (3 - i));
        }
        long last = values[values.length - 1];
        if (last >= 1L << (8 * (5 - values.length))) {
            return null;
        }
        value |= last;
        return AddressRange.address(new byte[] {(byte) (value >> 24), (byte) (value >> 16), (byte) (value >> 8), (byte) value});
    }

    private static String normalized(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    private static List<AddressRange> ranges(String... cidrs) {
        List<AddressRange> out = new ArrayList<>();
        for (String c : cidrs) {
            out.add(AddressRange.parse(c));
        }
        return List.copyOf(out);
    }
}
