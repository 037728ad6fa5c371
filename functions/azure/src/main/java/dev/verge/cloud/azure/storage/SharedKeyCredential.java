package dev.verge.cloud.azure.storage;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** An account name and its key; signs Shared Key requests and service SAS tokens (HMAC-SHA256, base64). */
public final class SharedKeyCredential implements StorageCredential {

    private final String accountName;
    private final SecretKeySpec key;

    public SharedKeyCredential(String accountName, String base64Key) {
        this.accountName = accountName;
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64Key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the AccountKey of storage account " + accountName + " is not base64", e);
        }
        this.key = new SecretKeySpec(bytes, "HmacSHA256");
    }

    public String accountName() {
        return accountName;
    }

    /** Base64 of HMAC-SHA256(key, UTF-8 bytes of {@code stringToSign}). */
    public String sign(String stringToSign) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    @Override
    public String toString() {
        return "SharedKeyCredential[" + accountName + "]";
    }
}
