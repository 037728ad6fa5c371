package dev.verge.cloud.registry;

import java.io.InputStream;

/** A registered version's package, opened for streaming; the caller closes {@code in}. */
public record PackageDownload(InputStream in, long size, String sha256, String fileName) {}
