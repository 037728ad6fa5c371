package dev.verge.cloud.registry;

import dev.verge.error.VergeException;
import java.util.List;
import java.util.Optional;

/**
 * A package failed validation. Status and code are those of the first failure (422
 * {@code manifest_invalid}, {@code package_digest_mismatch}, {@code model_load_failed}, 400
 * {@code package_invalid}, ...); the message lists every reason. When the manifest named a valid
 * model and version, the rejection is recorded and {@link #version()} is that record.
 */
public final class PackageRejectedException extends VergeException {
    private final transient List<Reason> reasons;
    private final transient ModelVersion version;

    PackageRejectedException(VergeException first, List<Reason> reasons, ModelVersion version) {
        super(first.kind(), first.code(), message(reasons, version), first);
        this.reasons = List.copyOf(reasons);
        this.version = version;
    }

    private static String message(List<Reason> reasons, ModelVersion version) {
        StringBuilder out = new StringBuilder(version == null ? "the package was rejected: "
                : version.name() + "/" + version.version() + " was rejected: ");
        for (int i = 0; i < reasons.size(); i++) {
            Reason r = reasons.get(i);
            out.append(i == 0 ? "" : "; ").append(r.path() == null ? "" : r.path() + ": ").append(r.message());
        }
        if (version != null) {
            out.append(" (recorded: GET /api/models/").append(version.name()).append("/versions/").append(version.version()).append(")");
        }
        return out.toString();
    }

    public List<Reason> reasons() {
        return reasons;
    }

    public Optional<ModelVersion> version() {
        return Optional.ofNullable(version);
    }
}
