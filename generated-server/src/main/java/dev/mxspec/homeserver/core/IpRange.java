package dev.mxspec.homeserver.core;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An address range in CIDR notation ({@code 10.0.0.0/8}, {@code fc00::/7}). An IPv4 address mapped into IPv6
 * ({@code ::ffff:127.0.0.1}) is compared as the IPv4 address it is.
 */
public record IpRange(byte[] network, int prefix) {

    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    /** The range, or an {@link IllegalArgumentException} naming the setting. */
    public static IpRange parse(String setting, String cidr) {
        int slash = cidr == null ? -1 : cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        if (address == null || !LITERAL.matcher(address).matches()) { // never a host name: no DNS lookup for configuration
            throw new IllegalArgumentException(setting + ": '" + cidr + "' is not an address range (CIDR, e.g. 10.0.0.0/8)");
        }
        try {
            byte[] bytes = InetAddress.getByName(address).getAddress();
            int prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException(setting + ": '" + cidr + "' has a prefix longer than its address");
            }
            return new IpRange(bytes, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException(setting + ": '" + cidr + "' is not an address range (CIDR, e.g. 10.0.0.0/8)", e);
        }
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = unmapped(address).getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        BigInteger mask = BigInteger.ONE.shiftLeft(bytes.length * 8).subtract(BigInteger.ONE)
                .xor(BigInteger.ONE.shiftLeft(bytes.length * 8 - prefix).subtract(BigInteger.ONE));
        return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, network).and(mask));
    }

    /** {@code ::ffff:a.b.c.d} as {@code a.b.c.d}. */
    static InetAddress unmapped(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet6Address && b.length == 16) {
            boolean mapped = b[10] == (byte) 0xff && b[11] == (byte) 0xff;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped) {
                try {
                    return Inet4Address.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return address;
    }
}
