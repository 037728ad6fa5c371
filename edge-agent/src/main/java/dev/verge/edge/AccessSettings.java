package dev.verge.edge;

import java.nio.file.Path;
import java.util.List;

/**
 * Who may use the agent and what it may reach for them.
 *
 * @param urlAllow   hosts, addresses and CIDR blocks {@code POST /url} may fetch from besides public internet
 *                   addresses (a camera on the LAN: {@code 192.168.1.20}); empty: public addresses only
 * @param clientKeys keys a caller must send as {@code Prediction-Key} or {@code X-Api-Key} on every route but the
 *                   health routes; empty: no key needed
 * @param tlsCert    PEM certificate chain; with {@code tlsKey} the port serves HTTPS only; null: plain HTTP
 * @param tlsKey     PEM PKCS#8 private key of the chain's first certificate; null with {@code tlsCert}
 */
public record AccessSettings(List<String> urlAllow, List<String> clientKeys, Path tlsCert, Path tlsKey) {
    public static final String ENV_URL_ALLOW = "VERGE_URL_ALLOW";
    public static final String ENV_CLIENT_KEYS = "VERGE_CLIENT_KEYS";
    public static final String ENV_TLS_CERT = "VERGE_TLS_CERT";
    public static final String ENV_TLS_KEY = "VERGE_TLS_KEY";

    public AccessSettings {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("HTTPS needs both --tls-cert and --tls-key (or " + ENV_TLS_CERT + " and "
                    + ENV_TLS_KEY + "), found only " + (tlsCert == null ? "the key" : "the certificate"));
        }
        urlAllow = List.copyOf(urlAllow);
        clientKeys = List.copyOf(clientKeys);
        for (String entry : urlAllow) {
            if (entry.contains("/") || UrlGuard.literal(entry) != null) {
                AddressRange.parse(entry); // a mistyped block stops the agent here, not at the first /url
            }
        }
        for (String key : clientKeys) {
            if (key.isBlank()) {
                throw new IllegalArgumentException("a client key must not be blank");
            }
        }
    }

    /** Public addresses only, no keys. */
    public static AccessSettings defaults() {
        return new AccessSettings(List.of(), List.of(), null, null);
    }

    public AccessSettings withUrlAllow(String... entries) {
        return new AccessSettings(List.of(entries), clientKeys, tlsCert, tlsKey);
    }

    public AccessSettings withClientKeys(String... keys) {
        return new AccessSettings(urlAllow, List.of(keys), tlsCert, tlsKey);
    }

    public AccessSettings withTls(Path cert, Path key) {
        return new AccessSettings(urlAllow, clientKeys, cert, key);
    }

    public boolean https() {
        return tlsCert != null;
    }

    /** Never the keys themselves: records print their fields, and settings end up in logs. */
    @Override
    public String toString() {
        return "AccessSettings[urlAllow=" + urlAllow + ", clientKeys=" + clientKeys.size() + " key(s), tlsCert=" + tlsCert
                + ", tlsKey=" + tlsKey + "]";
    }
}
