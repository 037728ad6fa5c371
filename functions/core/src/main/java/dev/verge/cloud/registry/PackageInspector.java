package dev.verge.cloud.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.json.CloudJson;
import dev.verge.error.ErrorKind;
import dev.verge.error.VergeException;
import dev.verge.inference.pkg.CustomVisionExport;
import dev.verge.inference.pkg.ManifestInvalidException;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.pkg.PackageDigestMismatchException;
import dev.verge.inference.pkg.ZipLimits;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelInfo;
import dev.verge.inference.runtime.ThreadSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Validates a package with the shared inference module: manifest schema and model digest
 * ({@link ModelPackage#open}), then loading it in ONNX Runtime with the manifest checked against the
 * model's real inputs and outputs ({@link Model#load}) and one inference on a generated input
 * ({@link Model#smokeTest}). Loading is limited to a few packages at a time: each holds a model in
 * native memory.
 */
final class PackageInspector {
    private static final System.Logger LOG = System.getLogger(PackageInspector.class.getName());
    /** Manifests end up inside metadata documents (DynamoDB items, Azure table entities): keep them small. */
    static final int MAX_MANIFEST_BYTES = 32 * 1024;

    /** A model name and version as a manifest states them (not yet checked against {@link ModelNames}). */
    record Identity(String name, String version) {}

    /** The outcome of opening a package: either an open package, or why not and what could still be read. */
    sealed interface Opening permits Opened, Unopenable {}

    record Opened(ModelPackage pkg, Identity identity, JsonNode manifest) implements Opening {}

    record Unopenable(VergeException error, Optional<Identity> identity, JsonNode manifest) implements Opening {}

    private final ThreadSettings threads;
    private final Semaphore loading;
    private final ZipLimits limits;
    private final java.nio.file.Path workDir;
    private final java.time.Duration maxSmokeTestTime;

    PackageInspector(RegistryConfig config) {
        this.threads = ThreadSettings.forAvailableCpus();
        this.loading = new Semaphore(Math.max(1, config.maxConcurrentLoads()), true);
        this.limits = config.zipLimits();
        this.workDir = config.tempDir();
        this.maxSmokeTestTime = config.maxSmokeTestTime();
    }

    Opening open(Path zip) {
        ModelPackage pkg;
        try {
            pkg = ModelPackage.open(zip, limits, workDir);
        } catch (VergeException e) {
            JsonNode manifest = peekManifest(zip).orElse(null);
            return new Unopenable(e, identityOf(manifest), manifest);
        }
        try {
            byte[] manifestBytes = pkg.manifestBytes();
            if (manifestBytes.length > MAX_MANIFEST_BYTES) {
                throw new VergeException(ErrorKind.UNPROCESSABLE, "manifest_too_large",
                        "expected manifest.json of at most " + MAX_MANIFEST_BYTES + " bytes, found " + manifestBytes.length);
            }
            JsonNode manifest = CloudJson.mapper().readTree(manifestBytes);
            return new Opened(pkg, new Identity(pkg.manifest().name(), pkg.manifest().version()), manifest);
        } catch (VergeException e) {
            JsonNode manifest = peekManifest(zip).orElse(null);
            pkg.close();
            return new Unopenable(e, identityOf(manifest), manifest);
        } catch (IOException e) {
            pkg.close();
            throw new UncheckedIOException("cannot re-read a manifest the inference module accepted", e);
        } catch (RuntimeException e) {
            pkg.close();
            throw e;
        }
    }

    /**
     * Writes the Verge package derived from a Custom Vision export into a new temp file (the caller deletes it);
     * throws the inference module's error when the export cannot be served.
     */
    Path packageOfExport(Path exportZip, String name, String version) {
        Path target;
        try {
            java.nio.file.Files.createDirectories(workDir);
            target = java.nio.file.Files.createTempFile(workDir, "verge-export-", ".zip");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temp file in " + workDir, e);
        }
        loading.acquireUninterruptibly(); // reading the export's signature opens an ONNX Runtime session
        try {
            return CustomVisionExport.writePackage(exportZip, name, version, target, limits, workDir);
        } catch (RuntimeException e) {
            try {
                java.nio.file.Files.deleteIfExists(target);
            } catch (IOException ignored) {
                // the error matters more than a temp file
            }
            throw e;
        } finally {
            loading.release();
        }
    }

    /** Loads the model and runs one inference; throws the inference module's error when it does not work. */
    ValidatedModel validate(ModelPackage pkg) {
        loading.acquireUninterruptibly();
        try (Model model = Model.load(pkg, threads, maxSmokeTestTime)) {
            model.smokeTest();
            ModelInfo info = model.info();
            return new ValidatedModel(
                    pkg.modelSha256(),
                    pkg.modelSize(),
                    info.inputName(),
                    Arrays.stream(info.inputShape()).boxed().toList(),
                    info.outputName(),
                    info.opset(),
                    info.irVersion(),
                    info.onnxRuntimeVersion());
        } catch (VergeException | UncheckedIOException e) {
            throw e;
        } catch (RuntimeException e) {
            // ONNX Runtime refusing a model in a way the inference module did not foresee: still the package's fault
            LOG.log(Level.WARNING, "unexpected failure validating " + pkg.manifest().name() + "/" + pkg.manifest().version(), e);
            throw new VergeException(ErrorKind.UNPROCESSABLE, "model_validation_failed",
                    "expected the model to load and run in ONNX Runtime, found: "
                            + dev.verge.error.ServerPaths.hide(e.toString(), pkg.modelFile().getParent()));
        } finally {
            loading.release();
        }
    }

    /** Every reason an error carries: each manifest problem with its field path, or the error itself. */
    static List<Reason> reasonsOf(VergeException e) {
        List<Reason> reasons = new ArrayList<>();
        if (e instanceof ManifestInvalidException invalid && !invalid.problems().isEmpty()) {
            for (ManifestInvalidException.Problem p : invalid.problems()) {
                reasons.add(new Reason(e.code(), p.path(), p.message()));
            }
        } else if (e instanceof PackageDigestMismatchException) {
            reasons.add(new Reason(e.code(), "sha256", e.getMessage()));
        } else {
            reasons.add(new Reason(e.code(), null, e.getMessage()));
        }
        return reasons;
    }

    /**
     * Reads manifest.json straight from the zip (at most {@link #MAX_MANIFEST_BYTES}, whatever the
     * entry claims), to learn which version a package that failed to open meant to be.
     */
    static Optional<JsonNode> peekManifest(Path zip) {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Optional<? extends ZipEntry> entry = file.stream()
                    .filter(e -> !e.isDirectory())
                    .filter(e -> e.getName().equals("manifest.json") || e.getName().endsWith("/manifest.json"))
                    .min(Comparator.comparingInt(e -> e.getName().length()));
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            try (InputStream in = file.getInputStream(entry.get())) {
                byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
                if (bytes.length > MAX_MANIFEST_BYTES) {
                    return Optional.empty();
                }
                JsonNode node = CloudJson.mapper().readTree(bytes);
                return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
            }
        } catch (IOException | RuntimeException notReadable) {
            return Optional.empty();
        }
    }

    private static Optional<Identity> identityOf(JsonNode manifest) {
        if (manifest == null) {
            return Optional.empty();
        }
        JsonNode name = manifest.get("name");
        JsonNode version = manifest.get("version");
        if (name == null || version == null || !name.isValueNode() || !version.isValueNode()
                || name.isNull() || version.isNull()) {
            return Optional.empty();
        }
        return Optional.of(new Identity(name.asText(), version.asText()));
    }
}
