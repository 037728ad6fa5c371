package dev.verge.edge.sync;

import dev.verge.inference.pkg.PackageSignature;
import dev.verge.inference.pkg.StatementSignature;
import dev.verge.wire.desired.SignedStatement.Signature;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The keys this device trusts: those it was configured with ({@code --trusted-key}) and those a signed desired
 * state announced; they sign desired states and packages. Keys the cloud announced once and no longer does are
 * retired: they vouch only for packages already kept on disk, so a device that starts offline after a key
 * rotation still serves its last good package.
 */
final class KeyRing {
    /** More signatures than any rotation needs are not looked at. */
    private static final int MAX_SIGNATURES = 4;

    private final List<PublicKey> configured;
    private final List<PublicKey> announced;
    private final List<PublicKey> retired;

    KeyRing(List<PublicKey> configured, TrustState trust) {
        this(configured, keys(trust.announcedKeys()), keys(trust.retiredKeys()));
    }

    private KeyRing(List<PublicKey> configured, List<PublicKey> announced, List<PublicKey> retired) {
        this.configured = List.copyOf(configured);
        this.announced = List.copyOf(announced);
        this.retired = List.copyOf(retired);
    }

    private static List<PublicKey> keys(List<String> encoded) {
        List<PublicKey> keys = new ArrayList<>();
        for (String key : encoded) {
            try {
                keys.add(PackageSignature.publicKey(key));
            } catch (IllegalArgumentException damaged) {
                // a key that no longer reads trusts nothing; the cloud announces the keys again on every poll
            }
        }
        return keys;
    }

    /** The id of the trusted key one of {@code signatures} verifies {@code statement} with; empty when none does. */
    Optional<String> signer(byte[] statement, List<Signature> signatures) {
        if (signatures == null) {
            return Optional.empty();
        }
        for (Signature signature : signatures.stream().limit(MAX_SIGNATURES).toList()) {
            if (signature == null || signature.keyId() == null) {
                continue;
            }
            for (PublicKey key : trusted()) {
                String id = StatementSignature.keyId(key);
                if (id.equals(signature.keyId()) && StatementSignature.verify(key, statement, signature.signature())) {
                    return Optional.of(id);
                }
            }
        }
        return Optional.empty();
    }

    /** True when a trusted key signed this package: what a package must be to be installed. */
    boolean signed(PackageRef ref) {
        return trusted().stream().anyMatch(ref::signedBy);
    }

    /** True when a trusted or retired key signed this package: what a package kept on disk must be to be served. */
    boolean signedKept(PackageRef ref) {
        return signed(ref) || retired.stream().anyMatch(ref::signedBy);
    }

    /**
     * The ring after a statement announced {@code next}: those are trusted from now on, and the keys announced
     * before that are not announced any more become retired.
     */
    KeyRing announce(List<PublicKey> next) {
        Set<PublicKey> nowRetired = new LinkedHashSet<>(retired);
        nowRetired.addAll(announced);
        next.forEach(nowRetired::remove);
        configured.forEach(nowRetired::remove);
        return new KeyRing(configured, next, new ArrayList<>(nowRetired));
    }

    TrustState trust(long revision, String digest) {
        return new TrustState(revision, digest, announced.stream().map(PackageSignature::encode).toList(),
                retired.stream().map(PackageSignature::encode).toList());
    }

    /** The ids of the keys statements may be signed with, for messages. */
    List<String> trustedIds() {
        return trusted().stream().map(StatementSignature::keyId).distinct().toList();
    }

    private List<PublicKey> trusted() {
        return Stream.concat(configured.stream(), announced.stream()).distinct().toList();
    }
}
