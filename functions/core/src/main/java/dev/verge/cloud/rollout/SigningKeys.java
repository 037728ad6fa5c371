package dev.verge.cloud.rollout;

import dev.verge.inference.pkg.PackageSignature;
import dev.verge.inference.pkg.StatementSignature;
import dev.verge.wire.desired.DesiredStatement.SigningKey;
import dev.verge.wire.desired.SignedStatement.Signature;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys of a rotation: the current key signs, the previous one (after a switch) co-signs so agents that
 * never saw the announcement still take the statements, and the next one (before a switch) is announced so
 * agents trust it before it signs. The README's rotation runbook walks through the three steps.
 */
public final class SigningKeys {
    private final PackageSigner current;
    private final PackageSigner previous;
    private final PublicKey next;

    SigningKeys(PackageSigner current, PackageSigner previous, PublicKey next) {
        this.current = current;
        this.previous = previous;
        this.next = next;
    }

    /** The keys {@code config} names around {@code current}; null when there is no current key. */
    public static SigningKeys of(PackageSigner current, DeviceProtocolConfig config) {
        if (current == null) {
            if (config.nextSigningKey() != null || config.previousSigningKey() != null) {
                throw new IllegalArgumentException("VERGE_NEXT_SIGNING_KEY and VERGE_PREVIOUS_SIGNING_KEY need"
                        + " VERGE_SIGNING_KEY, the key that signs now; found only the rotation keys");
            }
            return null;
        }
        PackageSigner previous = config.previousSigningKey() == null ? null : PackageSigner.fromPrivateKey(config.previousSigningKey());
        PublicKey next = config.nextSigningKey() == null ? null : publicKeyOf(config.nextSigningKey());
        return new SigningKeys(current, previous, next);
    }

    /** A public key, or the public half of a private one. */
    private static PublicKey publicKeyOf(String text) {
        try {
            return PackageSignature.publicKey(text);
        } catch (IllegalArgumentException notPublic) {
            try {
                return PackageSigner.fromPrivateKey(text).publicKey();
            } catch (IllegalArgumentException notPrivate) {
                throw new IllegalArgumentException("expected VERGE_NEXT_SIGNING_KEY as an Ed25519 public key (X.509) or"
                        + " private key (PKCS#8), Base64 or PEM; found neither: " + notPublic.getMessage(), notPrivate);
            }
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
