package dev.verge.inference.pkg;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.util.Base64;

/**
 * The Ed25519 signature over a desired-state statement: the statement's exact bytes, after a header
 * that no package signature starts with, so a signature made for one kind of statement never verifies
 * as the other ({@link PackageSignature} signs {@code verge-package-v1}).
 */
public final class StatementSignature {
    private static final byte[] HEADER = "verge-desired-state-v2\n".getBytes(StandardCharsets.UTF_8);
    private static final int KEY_ID_HEX_DIGITS = 16;

    private StatementSignature() {}

    /** The Base64 signature of {@code statement}. */
    public static String sign(PrivateKey key, byte[] statement) {
        try {
            Signature signer = Signature.getInstance(PackageSignature.ALGORITHM);
            signer.initSign(key);
            signer.update(HEADER);
            signer.update(statement);
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with an " + key.getAlgorithm() + " key; expected an Ed25519 key", e);
        }
    }

    /** True only when {@code signatureBase64} is {@code key}'s signature over exactly {@code statement}; garbage is not. */
    public static boolean verify(PublicKey key, byte[] statement, String signatureBase64) {
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
            Signature verifier = Signature.getInstance(PackageSignature.ALGORITHM);
            verifier.initVerify(key);
            verifier.update(HEADER);
            verifier.update(statement);
            return verifier.verify(signature);
        } catch (SignatureException malformed) {
            return false;
        } catch (InvalidKeyException e) {
            throw new IllegalArgumentException("expected an Ed25519 public key, found " + key.getAlgorithm(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    /** A key's id: the first 16 hex digits of the SHA-256 of its X.509 encoding. */
    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return PackageSignature.hex(digest).substring(0, KEY_ID_HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }
}
