package dev.verge.cloud.events;

import dev.verge.cloud.registry.ArtifactRef;

/**
 * What a webhook or cloud event says happened, once its source's format is read: the few facts the
 * registry acts on. Each parser turns its payloads into these; {@link ModelEvents} applies them. An
 * object created in a bucket or container is a {@link BlobUpload}, whichever door announced it.
 */
public sealed interface ModelEvent permits ModelEvent.TagPushed, ModelEvent.VersionPublished, ModelEvent.AliasSet,
        ModelEvent.ArtifactDeleted, BlobUpload, ModelEvent.Ignored {

    /** A short name of what happened, for the audit log ({@code tag.pushed}, {@code blob.created}, ...). */
    String type();

    /** A tag was pushed to a repository (a container image, a Hugging Face tag): register or promote, by rule. */
    record TagPushed(String registry, String repository, String tag, ArtifactRef artifact) implements ModelEvent {
        public String type() {
            return "tag.pushed";
        }
    }

    /** A registry published a numbered version of a model (MLflow, Azure ML). */
    record VersionPublished(String registry, String repository, String version, ArtifactRef artifact) implements ModelEvent {
        public String type() {
            return "version.published";
        }
    }

    /** An alias or stage was pointed at a version (MLflow {@code champion}): promote, by rule. */
    record AliasSet(String registry, String repository, String alias, String version) implements ModelEvent {
        public String type() {
            return "alias.set";
        }
    }

    /** An image (or tag) was deleted from a registry: the version with that digest is archived. */
    record ArtifactDeleted(String registry, String repository, String tag, String digest) implements ModelEvent {
        public String type() {
            return "artifact.deleted";
        }
    }

    /**
     * Nothing to do: a ping, a chart push, a failed push ({@code unknownType} false), or an event type
     * Verge does not know ({@code unknownType} true, answered 202).
     */
    record Ignored(String type, String reason, boolean unknownType) implements ModelEvent {}
}
