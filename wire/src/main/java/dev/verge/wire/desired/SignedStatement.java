package dev.verge.wire.desired;

import java.util.List;

/**
 * The body of {@code GET /api/devices/{id}/desired} in protocol 2: a {@link DesiredStatement} as the exact
 * JSON bytes that were signed (Base64, so no one has to reproduce a canonical form to check a signature),
 * with one or more Ed25519 signatures over {@code "verge-desired-state-v2\n"} followed by those bytes.
 * During a key rotation the cloud signs with both its current and its previous key; a device takes the
 * statement when one signature verifies with a key it trusts.
 */
public record SignedStatement(int protocol, String statement, List<Signature> signatures) {

    public record Signature(String keyId, String signature) {}
}
