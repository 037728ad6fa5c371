package dev.verge.cloud.registry;

import dev.verge.cloud.port.BlobStore;
import dev.verge.cloud.port.MetadataStore;
import java.io.InputStream;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/**
 * The model registry: its use cases, one job each, over one set of records ({@link VersionRecords}) and the package
 * blobs at {@code models/<name>/<version>/package.zip} in the {@link BlobStore}. {@link PackageRegistration} registers
 * packages, {@link ArtifactRegistration} versions published elsewhere, {@link UploadedPackages} the packages of
 * blob-created events, {@link ModelQueries} answers what is registered, {@link StageChanges} moves versions between
 * stages. The methods here hand each call to the use case that owns it.
 */
public final class ModelRegistry {
    public static final String MODELS_PREFIX = "models/";

    private final PackageRegistration packages;
    private final ArtifactRegistration artifacts;
    private final UploadedPackages uploads;
    private final ModelQueries queries;
    private final StageChanges stages;

    public ModelRegistry(BlobStore blobs, MetadataStore metadata, Clock clock, RegistryConfig config) {
        VersionRecords records = new VersionRecords(metadata);
        this.packages = new PackageRegistration(blobs, records, clock, config);
        this.artifacts = new ArtifactRegistration(records, clock);
        this.uploads = new UploadedPackages(blobs, metadata, records, packages, clock, config);
        this.queries = new ModelQueries(blobs, records);
        this.stages = new StageChanges(records, clock);
    }

    /** The blob key of a version's package. */
    public static String packageKey(String name, String version) {
        return MODELS_PREFIX + name + "/" + version + "/package.zip";
    }

    /** See {@link PackageRegistration#register(InputStream, String, PackageSource)}. */
    public Registration register(InputStream packageZip, String expectedName, PackageSource source) {
        return packages.register(packageZip, expectedName, source);
    }

    /** See {@link PackageRegistration#register(InputStream, String, String, PackageSource)}. */
    public Registration register(InputStream packageZip, String expectedName, String expectedVersion, PackageSource source) {
        return packages.register(packageZip, expectedName, expectedVersion, source);
    }

    /** See {@link ArtifactRegistration#registerArtifact}. */
    public Registration registerArtifact(String name, String version, ArtifactRef artifact, PackageSource source) {
        return artifacts.registerArtifact(name, version, artifact, source);
    }

    /** See {@link ArtifactRegistration#findByArtifactDigest}. */
    public Optional<ModelVersion> findByArtifactDigest(String name, String digest) {
        return artifacts.findByArtifactDigest(name, digest);
    }

    /** See {@link UploadedPackages#onPackageUploaded}. */
    public UploadOutcome onPackageUploaded(String key, String etag, long size, PackageSource source) {
        return uploads.onPackageUploaded(key, etag, size, source);
    }

    /** See {@link ModelQueries#listModels}. */
    public List<ModelSummary> listModels() {
        return queries.listModels();
    }

    /** See {@link ModelQueries#listVersions}. */
    public List<ModelVersion> listVersions(String name) {
        return queries.listVersions(name);
    }

    /** See {@link ModelQueries#get}. */
    public ModelVersion get(String name, String version) {
        return queries.get(name, version);
    }

    /** See {@link ModelQueries#productionVersion}. */
    public Optional<String> productionVersion(String name) {
        return queries.productionVersion(name);
    }

    /** See {@link ModelQueries#openPackage}. */
    public PackageDownload openPackage(String name, String version) {
        return queries.openPackage(name, version);
    }

    /** See {@link ModelQueries#packageUrl}. */
    public String packageUrl(String name, String version, long ttlSeconds) {
        return queries.packageUrl(name, version, ttlSeconds);
    }

    /** See {@link StageChanges#changeStage}. */
    public ModelVersion changeStage(String name, String version, Stage to, String by, String reason) {
        return stages.changeStage(name, version, to, by, reason);
    }

    public ModelVersion promote(String name, String version, String by) {
        return stages.promote(name, version, by);
    }

    public ModelVersion archive(String name, String version, String by) {
        return stages.archive(name, version, by);
    }
}
