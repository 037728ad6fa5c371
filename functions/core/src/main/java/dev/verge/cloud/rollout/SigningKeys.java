package dev.verge.cloud.rollout;

import dev.verge.inference.pkg.PackageSignature;
import dev.verge.inference.pkg.StatementSignature;
import dev.verge.wire.desired.DesiredStatement.SigningKey;
import dev.verge.wire.desired.SignedStatement.Signature;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of a rotation: the current key signs, the previous one (after a switch, the second key of
 * {@code VERGE_SIGNING_KEY}) co-signs so agents that never saw the announcement still take the statements, and
 * the next one ({@code VERGE_NEXT_SIGNING_PUBKEY}, before a switch) is announced so agents trust it before it
 * signs. The README's rotation runbook walks through the three steps.
 */
public final class SigningKeys {
    private final PackageSigner current;
    private final PackageSigner previous;
    private final PublicKey next;

    private SigningKeys(PackageSigner current, PackageSigner previous, PublicKey next) {
        this.current = current;
        this.previous = previous;
        this.next = next;
    }

    /**
     * The keys of {@code signingKeys} (the value of {@code VERGE_SIGNING_KEY}: one Ed25519 private key, PEM or Base64
     * PKCS#8, or during a switch the new key followed by the previous one) and the next key {@code config} announces;
     * null when no key is given.
     */
    public static SigningKeys of(String signingKeys, DeviceProtocolConfig config) {
        List<String> given = split(signingKeys);
        if (given.isEmpty()) {
            if (config.nextSigningKey() != null) {
                throw new IllegalArgumentException("VERGE_NEXT_SIGNING_PUBKEY needs VERGE_SIGNING_KEY, the key that signs"
                        + " now; found only the next key");
            }
            return null;
        }
        if (given.size() > 2) {
            throw new IllegalArgumentException("expected VERGE_SIGNING_KEY to hold one key, or two during a key rotation"
                    + " (the new one first), found " + given.size());
        }
        PackageSigner current = PackageSigner.fromPrivateKey(given.get(0));
        PackageSigner previous = given.size() > 1 ? PackageSigner.fromPrivateKey(given.get(1)) : null;
        PublicKey next = config.nextSigningKey() == null ? null : nextKey(config.nextSigningKey());
        return new SigningKeys(current, previous, next);
    }

    /** PEM blocks, or Base64 keys separated by commas or white space. */
    private static List<String> split(String text) {
        if (text == null || text.isBlank()) {
            return List.of();
        }
        String[] parts = text.contains("-----BEGIN") ? text.strip().split("(?=-----BEGIN)") : text.strip().split("[,\\s]+");
        return java.util.Arrays.stream(parts).map(String::strip).filter(p -> !p.isEmpty()).toList();
    }

    private static PublicKey nextKey(String text) {
        try {
            return PackageSignature.publicKey(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected VERGE_NEXT_SIGNING_PUBKEY as an Ed25519 public key (X.509, Base64"
                    + " or PEM; GET /api/signing-key of a cloud with that key shows it): " + e.getMessage(), e);
        }
    }

    public PackageSigner current() {
        return current;
    }

    /** The signatures of a statement: the current key's, and the previous key's during a switch. */
    public List<Signature> sign(byte[] statement) {
        List<Signature> signatures = new ArrayList<>();
        signatures.add(new Signature(StatementSignature.keyId(current.publicKey()), StatementSignature.sign(current.privateKey(), statement)));
        if (previous != null) {
            signatures.add(new Signature(StatementSignature.keyId(previous.publicKey()),
                    StatementSignature.sign(previous.privateKey(), statement)));
        }
        return signatures;
    }

    /** The keys devices should trust from now on: the current one and, before a switch, the next one. */
    public List<SigningKey> announced() {
        List<SigningKey> keys = new ArrayList<>();
        keys.add(signingKey(current.publicKey()));
        if (next != null && !next.equals(current.publicKey())) {
            keys.add(signingKey(next));
        }
        return keys;
    }

    private static SigningKey signingKey(PublicKey key) {
        return new SigningKey(StatementSignature.keyId(key), PackageSignature.encode(key));
    }
}
