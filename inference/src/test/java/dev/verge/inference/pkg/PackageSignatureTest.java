package dev.verge.inference.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PackageSignatureTest {
    private static final String SHA = "5f1c0e0a8d3b4c2e9a7f6b5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2e2";
    private final KeyPair keys = PackageSignature.generateKeyPair();

    @Test
    void verify_signatureOfSamePackage_isValid() {
        String signature = PackageSignature.sign(keys.getPrivate(), "fruit-quality", "3", SHA, 18423);

        assertThat(PackageSignature.verify(keys.getPublic(), "fruit-quality", "3", SHA, 18423, signature)).isTrue();
    }

    @Test
    void verify_otherSizeDigestVersionOrModel_isInvalid() {
        String signature = PackageSignature.sign(keys.getPrivate(), "fruit-quality", "3", SHA, 18423);
        String otherSha = SHA.substring(0, 63) + "3";

        assertThat(PackageSignature.verify(keys.getPublic(), "fruit-quality", "3", SHA, 18424, signature)).isFalse();
        assertThat(PackageSignature.verify(keys.getPublic(), "fruit-quality", "3", otherSha, 18423, signature)).isFalse();
        assertThat(PackageSignature.verify(keys.getPublic(), "fruit-quality", "4", SHA, 18423, signature)).isFalse();
        assertThat(PackageSignature.verify(keys.getPublic(), "fruit-quallty", "3", SHA, 18423, signature)).isFalse();
    }

    @Test
    void verify_otherKeyOrGarbage_isInvalid() {
        String signature = PackageSignature.sign(keys.getPrivate(), "m", "1", SHA, 1);
        KeyPair other = PackageSignature.generateKeyPair();

        assertThat(PackageSignature.verify(other.getPublic(), "m", "1", SHA, 1, signature)).isFalse();
        assertThat(PackageSignature.verify(keys.getPublic(), "m", "1", SHA, 1, "not base64 !!")).isFalse();
        assertThat(PackageSignature.verify(keys.getPublic(), "m", "1", SHA, 1, "AAAA")).isFalse();
        assertThat(PackageSignature.verify(keys.getPublic(), "m", "1", SHA, 1, "")).isFalse();
        assertThat(PackageSignature.verify(keys.getPublic(), "m", "1", SHA, 1, null)).isFalse();
    }

    @Test
    void keys_base64AndPem_roundTrip() {
        String publicPem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(keys.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        String signature = PackageSignature.sign(
                PackageSignature.privateKey(PackageSignature.encode(keys.getPrivate())), "m", "1", SHA, 1);

        assertThat(PackageSignature.verify(PackageSignature.publicKey(publicPem), "m", "1", SHA, 1, signature)).isTrue();
    }

    @Test
    void publicKey_notAKey_saysWhatWasExpected() {
        assertThatThrownBy(() -> PackageSignature.publicKey("c2hvcnQ="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected an Ed25519 public key in X.509 encoding");
        assertThatThrownBy(() -> PackageSignature.privateKey(" "))
                .hasMessageContaining("found nothing");
    }

    @Test
    void statement_notASha256_isRefused() {
        assertThatThrownBy(() -> PackageSignature.statement("m", "1", "abc", 1))
                .hasMessageContaining("64 hex digits");
    }
}
