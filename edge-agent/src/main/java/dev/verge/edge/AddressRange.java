package dev.verge.edge;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block in CIDR form ({@code 192.168.1.0/24}, {@code fd00::/8}); a bare address is a block of one. */
record AddressRange(byte[] network, int prefixLength) {

    static AddressRange parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        InetAddress parsed = UrlGuard.literal(address);
        if (parsed == null) {
            throw new IllegalArgumentException("expected an IP address or a CIDR block such as 192.168.1.0/24, found '" + text + "'");
        }
        byte[] bytes = parsed.getAddress();
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("expected a prefix length of 0.." + bits + " in '" + text + "'");
            }
        }
        return new AddressRange(masked(bytes, prefix), prefix);
    }

    boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && java.util.Arrays.equals(masked(bytes, prefixLength), network);
    }

    private static byte[] masked(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        BigInteger value = new BigInteger(1, out);
        int bits = out.length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE)
                .shiftRight(prefix).xor(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
        byte[] m = value.and(mask).toByteArray();
        byte[] result = new byte[out.length];
        int copy = Math.min(m.length, result.length);
        System.arraycopy(m, m.length - copy, result, result.length - copy, copy);
        return result;
    }

    static InetAddress address(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddressRange r && r.prefixLength == prefixLength && java.util.Arrays.equals(r.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return address(network).getHostAddress() + "/" + prefixLength;
    }
}
