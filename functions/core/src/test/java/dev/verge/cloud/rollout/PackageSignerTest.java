package dev.verge.cloud.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.inference.pkg.PackageSignature;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class PackageSignerTest {
    private static final String SHA = "ab".repeat(32);

    @Test
    void fromPrivateKey_derivesThePublicKeyOfThePair() {
        var pair = PackageSignature.generateKeyPair();

        PackageSigner signer = PackageSigner.fromPrivateKey(PackageSignature.encode(pair.getPrivate()));

        assertThat(signer.publicKeyBase64()).isEqualTo(PackageSignature.encode(pair.getPublic()));
        String signature = signer.sign("fruit", "2", SHA, 1234);
        assertThat(PackageSignature.verify(pair.getPublic(), "fruit", "2", SHA, 1234, signature)).isTrue();
    }

    @Test
    void fromPrivateKey_pem_isRead() {
        var pair = PackageSignature.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";

        PackageSigner signer = PackageSigner.fromPrivateKey(pem);

        assertThat(signer.publicKey().getEncoded()).isEqualTo(pair.getPublic().getEncoded());
    }

    @Test
    void sign_otherBytesOrVersion_doNotVerify() {
        PackageSigner signer = PackageSigner.generate();
        String signature = signer.sign("fruit", "2", SHA, 1234);

        assertThat(PackageSignature.verify(signer.publicKey(), "fruit", "2", SHA, 1235, signature)).isFalse();
        assertThat(PackageSignature.verify(signer.publicKey(), "fruit", "3", SHA, 1234, signature)).isFalse();
        assertThat(PackageSignature.verify(PackageSignature.publicKey(signer.publicKeyPem()), "fruit", "2", SHA, 1234, signature))
                .isTrue();
    }
}
