package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guard's decisions alone: no connection is made, so private and public addresses can be named freely. */
class UrlGuardTest {
    /** Loopback, link-local, private, CGNAT, multicast, unspecified, reserved: each in the spellings resolvers read. */
    static final List<String> REFUSED_BY_DEFAULT = List.of(
            "127.0.0.1", "127.1", "127.0.1", "2130706433", "0x7f000001", "0X7F.0.0.1", "0177.0.0.1", "0177.1", "0x7f.1",
            "127.0.0.1.", "127.255.255.254", "localhost", "LOCALHOST.",
            "[::1]", "::1", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]", "[64:ff9b::7f00:1]",
            "0.0.0.0", "0", "0x0", "[::]",
            "169.254.169.254", "2852039166", "0xa9fea9fe", "[::ffff:169.254.169.254]", "[fe80::1]", "[fe80::1%1]",
            "10.0.0.1", "012.0.0.1", "167772161", "172.16.0.1", "172.31.255.255", "192.168.1.20", "3232235796",
            "0300.0250.01.024", "0xc0.0xa8.1.20", "[::ffff:192.168.1.20]", "[::ffff:c0a8:114]", "[64:ff9b::c0a8:114]",
            "[fc00::1]", "[fd12:3456:789a::1]",
            "100.64.0.1", "100.127.255.254", "198.18.0.1", "198.19.255.1", "192.0.2.1", "198.51.100.7", "203.0.113.9",
            "[2001:db8::1]", "[3fff::1]", "192.0.0.8", "192.88.99.1",
            "224.0.0.1", "239.255.255.250", "[ff02::1]", "240.0.0.1", "255.255.255.255", "[2001::1]", "[2002:c0a8:114::1]",
            "[100::1]");

    private static final UrlGuard.HostResolver NO_DNS = host -> {
        throw new AssertionError("no lookup expected for " + host);
    };

    @Test
    void check_loopbackPrivateAndReservedInEverySpelling_refused() {
        UrlGuard guard = new UrlGuard(List.of(), host -> host.startsWith("localhost")
                ? new InetAddress[] {InetAddress.getLoopbackAddress()} : NO_DNS.resolve(host));
        for (String host : REFUSED_BY_DEFAULT) {
            assertThatThrownBy(() -> guard.check(host)).as(host).isInstanceOf(UrlGuard.AddressRefusedException.class);
        }
    }

    @Test
    void check_publicAddresses_allowedAsTheyAre() throws UnknownHostException {
        UrlGuard guard = new UrlGuard(List.of(), NO_DNS);
        assertThat(guard.check("8.8.8.8")).containsExactly(InetAddress.getByName("8.8.8.8"));
        assertThat(guard.check("134744072")).containsExactly(InetAddress.getByName("8.8.8.8"));
        assertThat(guard.check("[2606:4700:4700::1111]")).containsExactly(InetAddress.getByName("2606:4700:4700::1111"));
        assertThat(guard.check("[64:ff9b::808:808]")).as("NAT64 of a public address").hasSize(1);
        assertThat(guard.check("100.128.0.1")).as("just past CGNAT").hasSize(1);
        assertThat(guard.check("172.32.0.1")).as("just past 172.16/12").hasSize(1);
    }

    @Test
    void check_resolverAnsweringAPrivateAddress_refused() {
        UrlGuard guard = new UrlGuard(List.of(), answering(Map.of("images.example.com", new String[] {"8.8.8.8", "10.0.0.7"},
                "metadata.example.com", new String[] {"169.254.169.254"}, "v6.example.com", new String[] {"fd00::1"})));
        for (String host : List.of("images.example.com", "metadata.example.com", "v6.example.com")) {
            assertThatThrownBy(() -> guard.check(host)).as(host).isInstanceOf(UrlGuard.AddressRefusedException.class);
        }
    }

    @Test
    void check_allowedAddressesBlocksAndHosts_allowedOthersStillRefused() throws UnknownHostException {
        UrlGuard guard = new UrlGuard(List.of("192.168.1.20", "10.0.0.0/8", "fd00::/8", "Camera.LAN"),
                answering(Map.of("camera.lan", new String[] {"192.168.7.7"}, "other.lan", new String[] {"192.168.7.8"})));
        assertThat(guard.check("192.168.1.20")).hasSize(1);
        assertThat(guard.check("3232235796")).as("192.168.1.20 in decimal").hasSize(1);
        assertThat(guard.check("10.200.3.4")).hasSize(1);
        assertThat(guard.check("[fd00::20]")).hasSize(1);
        assertThat(guard.check("camera.lan.")).containsExactly(InetAddress.getByName("192.168.7.7"));
        for (String host : List.of("192.168.1.21", "other.lan", "127.0.0.1", "169.254.169.254", "[fc00::1]")) {
            assertThatThrownBy(() -> guard.check(host)).as(host).isInstanceOf(UrlGuard.AddressRefusedException.class);
        }
    }

    @Test
    void literal_namesAndMalformedNumbers_areNoAddress() {
        for (String host : List.of("camera.lan", "1.2.3.4.5", "256.0.0.1", "08.0.0.1", "0x1g", "1..1", "4294967296", "")) {
            assertThat(UrlGuard.literal(host)).as(host).isNull();
        }
    }

    @Test
    void addressRange_badBlocks_refusedWithWhatWasExpected() throws UnknownHostException {
        for (String bad : List.of("10.0.0.0/33", "fd00::/129", "10.0.0.0/x", "camera.lan/24")) {
            assertThatThrownBy(() -> AddressRange.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(bad);
        }
        assertThat(AddressRange.parse("192.168.1.77/24").contains(InetAddress.getByName("192.168.1.1"))).isTrue();
    }

    private static UrlGuard.HostResolver answering(Map<String, String[]> answers) {
        return host -> {
            String[] addresses = answers.get(host);
            if (addresses == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] out = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                out[i] = InetAddress.getByName(addresses[i]);
            }
            return out;
        };
    }
}
