package dev.verge.inference.pkg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A model package: a folder, or a {@code .zip} of one, with {@code model.onnx} and {@code manifest.json}
 * (and optionally {@code manifest.sig}). Opening it validates the manifest, checks that the model file is ONNX
 * and that its sha256 is the manifest's. A zip is unpacked into a temporary folder that {@link #close()} removes.
 */
public final class ModelPackage implements AutoCloseable {
    static final long MAX_MANIFEST_BYTES = 1024 * 1024;
    static final long MAX_SIGNATURE_BYTES = 64 * 1024;

    private final Manifest manifest;
    private final byte[] manifestBytes;
    private final byte[] signature;
    private final Path directory;
    private final Path modelFile;
    private final String modelSha256;
    private final long modelSize;
    private final OnnxModelHeader onnxHeader;
    private final Path temporaryRoot;

    private ModelPackage(Manifest manifest, byte[] manifestBytes, byte[] signature, Path directory, Path modelFile,
                         String modelSha256, long modelSize, OnnxModelHeader onnxHeader, Path temporaryRoot) {
        this.manifest = manifest;
        this.manifestBytes = manifestBytes;
        this.signature = signature;
        this.directory = directory;
        this.modelFile = modelFile;
        this.modelSha256 = modelSha256;
        this.modelSize = modelSize;
        this.onnxHeader = onnxHeader;
        this.temporaryRoot = temporaryRoot;
    }

    /** Opens a package folder or a zip file (limits: {@link ZipLimits#defaults()}). */
    public static ModelPackage open(Path folderOrZip) {
        return open(folderOrZip, ZipLimits.defaults());
    }

    public static ModelPackage open(Path folderOrZip, ZipLimits limits) {
        return open(folderOrZip, limits, Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** Like {@link #open(Path, ZipLimits)}, unpacking a zip into a new folder under {@code workDir}. */
    public static ModelPackage open(Path folderOrZip, ZipLimits limits, Path workDir) {
        if (Files.isDirectory(folderOrZip)) {
            return openFolder(folderOrZip, null);
        }
        if (!Files.isRegularFile(folderOrZip)) {
            throw new PackageInvalidException("no model package at " + folderOrZip
                    + ": expected a folder with manifest.json and model.onnx, or a .zip of one");
        }
        Path temporary = SafeUnzip.unzipToTemporaryFolder(folderOrZip, limits, workDir);
        try {
            return openFolder(SafeUnzip.packageRoot(temporary), temporary);
        } catch (RuntimeException e) {
            deleteQuietly(temporary);
            throw e;
        }
    }

    /** Reads a zipped package from a stream (an upload); the zip is spooled to a temporary file first. */
    public static ModelPackage openZip(InputStream zip, ZipLimits limits) {
        Path spool = null;
        try {
            spool = Files.createTempFile("verge-upload-", ".zip");
            try (InputStream capped = new CappedInputStream(zip, limits.maxZipBytes())) {
                Files.copy(capped, spool, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return open(spool, limits);
        } catch (IOException e) {
            throw new PackageInvalidException("cannot read the uploaded package: "
                    + dev.verge.error.ServerPaths.hide(e.getMessage(), null), e);
        } finally {
            if (spool != null) {
                deleteQuietly(spool);
            }
        }
    }

    private static ModelPackage openFolder(Path dir, Path temporaryRoot) {
        Path manifestFile = dir.resolve(Manifest.FILE_NAME);
        if (!Files.isRegularFile(manifestFile)) {
            throw new PackageInvalidException("the package has no " + Manifest.FILE_NAME
                    + " (expected it next to the model file in " + dir.getFileName() + ")");
        }
        byte[] manifestBytes = readSmall(manifestFile, MAX_MANIFEST_BYTES);
        Manifest manifest = Manifest.parse(manifestBytes);
        Path signatureFile = dir.resolve(Manifest.SIGNATURE_FILE_NAME);
        byte[] signature = Files.isRegularFile(signatureFile)
                ? readSmall(signatureFile, MAX_SIGNATURE_BYTES) : null;

        Path modelFile = dir.resolve(manifest.file()).normalize();
        if (!modelFile.startsWith(dir.normalize()) || !Files.isRegularFile(modelFile)) {
            throw new PackageInvalidException("the package has no model file " + manifest.file()
                    + " (manifest.json names it in \"file\")");
        }
        String sha256 = sha256(modelFile);
        if (!sha256.equals(manifest.sha256())) {
            throw new PackageDigestMismatchException(manifest.file(), manifest.sha256(), sha256);
        }
        OnnxModelHeader header = OnnxModelHeader.read(modelFile);
        long size;
        try {
            size = Files.size(modelFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ModelPackage(manifest, manifestBytes, signature, dir, modelFile, sha256, size, header,
                temporaryRoot);
    }

    public Manifest manifest() {
        return manifest;
    }

    public Path modelFile() {
        return modelFile;
    }

    /** The manifest exactly as stored (what a signature covers). */
    public byte[] manifestBytes() {
        return manifestBytes.clone();
    }

    /** The bytes of {@code manifest.sig} when the package is signed. */
    public Optional<byte[]> signature() {
        return Optional.ofNullable(signature).map(byte[]::clone);
    }

    /** Lower-case hex, verified against the manifest. */
    public String modelSha256() {
        return modelSha256;
    }

    public long modelSize() {
        return modelSize;
    }

    /** IR version and opsets read from the model file. */
    public OnnxModelHeader onnxHeader() {
        return onnxHeader;
    }

    /** The folder holding manifest.json and the model (a temporary one for a zip, valid until close). */
    public Path directory() {
        return directory;
    }

    @Override
    public void close() {
        if (temporaryRoot != null) {
            deleteQuietly(temporaryRoot);
        }
    }

    /** Lower-case hex SHA-256 of a file, streamed. */
    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), newSha256())) {
            MessageDigest digest = ((DigestInputStream) in).getMessageDigest();
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new PackageInvalidException("cannot read " + file.getFileName() + ": "
                    + dev.verge.error.ServerPaths.hide(e.getMessage(), file.getParent()), e);
        }
    }

    /** Lower-case hex SHA-256 of bytes. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newSha256().digest(bytes));
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static byte[] readSmall(Path file, long max) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) max + 1);
            if (bytes.length > max) {
                throw new PackageInvalidException(file.getFileName() + " is larger than " + max
                        + " bytes; expected a small JSON/signature file");
            }
            return bytes;
        } catch (IOException e) {
            throw new PackageInvalidException("cannot read " + file.getFileName() + ": "
                    + dev.verge.error.ServerPaths.hide(e.getMessage(), file.getParent()), e);
        }
    }

    static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp folder left behind is not worth failing a request
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // already gone
        }
    }
}
