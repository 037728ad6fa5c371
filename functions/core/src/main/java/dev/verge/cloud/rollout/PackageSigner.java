package dev.verge.cloud.rollout;

import dev.verge.inference.pkg.PackageSignature;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.util.Base64;

/**
 * Signs packages for devices with the cloud's Ed25519 key ({@code VERGE_SIGNING_KEY}) and knows the
 * matching public key, which agents are configured with ({@code --trusted-key}) and which
 * {@code GET /api/signing-key} shows.
 */
public final class PackageSigner {
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private PackageSigner(KeyPair pair) {
        this.privateKey = pair.getPrivate();
        this.publicKey = pair.getPublic();
    }

    public static PackageSigner generate() {
        return new PackageSigner(PackageSignature.generateKeyPair());
    }

    /**
     * The signer for a PKCS#8 Ed25519 private key (Base64 or PEM). The public key is derived from it:
     * the JDK has no call for that, but an Ed25519 private key is the 32-byte seed the key pair
     * generator draws, so generating a pair from exactly that seed yields the same private key and
     * its public key (checked by signing and verifying once).
     */
    public static PackageSigner fromPrivateKey(String text) {
        PrivateKey key = PackageSignature.privateKey(text);
        byte[] seed = ((EdECPrivateKey) key).getBytes()
                .orElseThrow(() -> new IllegalArgumentException("expected an Ed25519 private key with its seed, found none"));
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(PackageSignature.ALGORITHM);
            generator.initialize(NamedParameterSpec.ED25519, new SeedRandom(seed));
            KeyPair derived = generator.generateKeyPair();
            PackageSigner signer = new PackageSigner(new KeyPair(derived.getPublic(), key));
            String check = signer.sign("check", "1", "0".repeat(64), 0);
            if (!PackageSignature.verify(signer.publicKey, "check", "1", "0".repeat(64), 0, check)) {
                throw new IllegalStateException("could not derive the public key of the signing key on this JDK");
            }
            return signer;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    /** The Base64 Ed25519 signature of a package, as {@code GET /api/devices/{id}/desired} hands it out. */
    public String sign(String model, String version, String sha256, long size) {
        return PackageSignature.sign(privateKey, model, version, sha256, size);
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** For signing desired-state statements with the same key ({@link SigningKeys}). */
    PrivateKey privateKey() {
        return privateKey;
    }

    /** Base64 of the X.509 public key: the value of an agent's {@code --trusted-key}. */
    public String publicKeyBase64() {
        return PackageSignature.encode(publicKey);
    }

    public String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(publicKey.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** Base64 PKCS#8 of the private key, for a local cloud to keep in its data folder. */
    public String privateKeyBase64() {
        return PackageSignature.encode(privateKey);
    }

    /** Hands the generator the seed it asks for instead of random bytes. */
    private static final class SeedRandom extends SecureRandom {
        private final byte[] seed;

        SeedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
                throw new IllegalStateException("the key generator asked for " + bytes.length + " bytes, expected " + seed.length);
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
        }
    }
}
