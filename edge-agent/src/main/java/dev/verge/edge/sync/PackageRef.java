package dev.verge.edge.sync;

import dev.verge.inference.pkg.PackageSignature;
import java.security.PublicKey;

/**
 * One signed package as the cloud names it: the model, its version, the sha256 and size of the .zip, and
 * the cloud's Ed25519 signature over those four ({@link PackageSignature}). Also what {@code state.json}
 * remembers of the packages on disk.
 */
public record PackageRef(String model, String version, String sha256, long size, String signature) {

    /** True when the trusted key signed exactly this model, version, sha256 and size. */
    boolean signedBy(PublicKey trustedKey) {
        try {
            return PackageSignature.verify(trustedKey, model, version, sha256, size, signature);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    /** "fruit-quality 2 (sha256 5f1c0a9e3b2d, 18423 bytes)", for logs and messages. */
    String describe() {
        return model + " " + version + " (sha256 " + sha256.substring(0, Math.min(12, sha256.length())) + ", " + size + " bytes)";
    }
}
