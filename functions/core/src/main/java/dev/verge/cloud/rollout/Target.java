package dev.verge.cloud.rollout;

/**
 * A model version devices are told to run: what they need to fetch and check it (the package's blob
 * key, sha256, size and Ed25519 signature, see {@code PackageSignature}), the opset the registry
 * found in it, and the deployment that brought it.
 */
public record Target(
        String model,
        String version,
        String packageKey,
        String sha256,
        long size,
        String signature,
        Long opset,
        String validatedWithOrt,
        String deploymentId) {}
