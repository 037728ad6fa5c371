package dev.verge.cloud.registry;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A model version that lives outside the registry's blob store and is pulled from where it was
 * published: a container image (an edge runtime such as IoT Edge or Greengrass pulls it), a
 * Hugging Face repository at a commit, an MLflow or Azure ML registered model version.
 *
 * @param kind      {@code image}, {@code huggingface}, {@code mlflow} or {@code azureml}
 * @param reference where to get it: {@code vergeacr.azurecr.io/fruit-quality:3},
 *                  {@code hf://acme/fruit-quality-onnx@c379e8...}, {@code models:/...}
 * @param digest    what pins it: the image digest ({@code sha256:...}), the commit, or null when the
 *                  source names none (Docker Hub webhooks carry no digest)
 */
public record ArtifactRef(String kind, String reference, String digest) {
    public static final String IMAGE = "image";
    public static final String HUGGING_FACE = "huggingface";
    public static final String MLFLOW = "mlflow";
    public static final String AZURE_ML = "azureml";
    private static final Pattern IMAGE_DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    public ArtifactRef {
        if (kind == null || kind.isBlank() || reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("expected an artifact kind and reference, found " + kind + " " + reference);
        }
        digest = digest == null || digest.isBlank() ? null : digest.strip().toLowerCase(Locale.ROOT);
    }

    public static ArtifactRef image(String reference, String digest) {
        return new ArtifactRef(IMAGE, reference, digest);
    }

    /**
     * The version's identity, stored where a package's sha256 goes: the image digest's hex when it is
     * a sha256 digest, else the SHA-256 of kind, reference and digest. Same identity = same version.
     */
    public String identity() {
        if (digest != null && IMAGE_DIGEST.matcher(digest).matches()) {
            return digest.substring("sha256:".length());
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((kind + "\n" + reference + "\n" + (digest == null ? "" : digest)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
