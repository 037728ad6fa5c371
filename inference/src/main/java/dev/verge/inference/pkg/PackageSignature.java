package dev.verge.inference.pkg;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The Ed25519 signature the cloud puts on every registered package and every edge agent checks
 * before it loads one. What is signed is a short statement naming the model, its version and the
 * package bytes (sha256 and size), so a valid signature can neither be moved to other bytes nor to
 * another model or version:
 * <pre>
 * verge-package-v1
 * fruit-quality
 * 3
 * 5f1c...e2 (sha256 of the package .zip, lowercase hex)
 * 18423 (size of the .zip in bytes)
 * </pre>
 * Keys travel as Base64 of their standard encodings: PKCS#8 for the private key (cloud secret
 * {@code VERGE_SIGNING_KEY}), X.509 SubjectPublicKeyInfo for the public key (agent setting
 * {@code VERGE_TRUSTED_KEY}); PEM armour around either is accepted. Signatures are Base64 too.
 */
public final class PackageSignature {
    public static final String ALGORITHM = "Ed25519";
    private static final String STATEMENT_HEADER = "verge-package-v1";

    private PackageSignature() {}

    /** The exact bytes that are signed. */
    public static byte[] statement(String model, String version, String sha256, long size) {
        if (sha256 == null || sha256.length() != 64 || !sha256.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("expected a sha256 of 64 hex digits, found " + sha256);
        }
        if (size < 0) {
            throw new IllegalArgumentException("expected a package size of 0 bytes or more, found " + size);
        }
        String text = String.join("\n", STATEMENT_HEADER, model, version, sha256.toLowerCase(Locale.ROOT), Long.toString(size));
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Signs the statement for this package; answers the Base64 signature. */
    public static String sign(PrivateKey key, String model, String version, String sha256, long size) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(statement(model, version, sha256, size));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with an " + key.getAlgorithm() + " key; expected an Ed25519 key", e);
        }
    }

    /**
     * True only when {@code signatureBase64} is a valid Ed25519 signature by {@code key} over this
     * package's statement. Garbage (not Base64, wrong length) is simply not valid.
     */
    public static boolean verify(PublicKey key, String model, String version, String sha256, long size, String signatureBase64) {
        if (signatureBase64 == null || signatureBase64.isBlank()) {
            return false;
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(signatureBase64.strip());
        } catch (IllegalArgumentException notBase64) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(statement(model, version, sha256, size));
            return verifier.verify(signature);
        } catch (SignatureException | IllegalArgumentException malformed) {
            return false;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("expected an Ed25519 public key, found " + key.getAlgorithm(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    public static KeyPair generateKeyPair() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    /** Base64 (no PEM armour) of a key's standard encoding, as {@link #privateKey} and {@link #publicKey} read it. */
    public static String encode(java.security.Key key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** Reads a PKCS#8 Ed25519 private key given as Base64 or PEM. */
    public static PrivateKey privateKey(String text) {
        byte[] der = der(text, "private key (PKCS#8)");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("expected an Ed25519 private key in PKCS#8 encoding (Base64 or PEM), "
                    + "found " + der.length + " bytes that are not one: " + e.getMessage(), e);
        }
    }

    /** Reads an X.509 SubjectPublicKeyInfo Ed25519 public key given as Base64 or PEM. */
    public static PublicKey publicKey(String text) {
        byte[] der = der(text, "public key (X.509)");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("expected an Ed25519 public key in X.509 encoding (Base64 or PEM), "
                    + "found " + der.length + " bytes that are not one: " + e.getMessage(), e);
        }
    }

    /** Lowercase hex, as package digests are written. */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    private static byte[] der(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("expected an Ed25519 " + what + " as Base64 or PEM, found nothing");
        }
        String base64 = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected an Ed25519 " + what + " as Base64 or PEM, found text that is"
                    + " not Base64 (" + e.getMessage() + ")", e);
        }
    }
}
