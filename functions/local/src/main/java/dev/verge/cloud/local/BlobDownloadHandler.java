package dev.verge.cloud.local;

import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.api.UriPaths;
import dev.verge.error.ErrorKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Function;

/**
 * Serves {@code GET /blobs/<key>?expires=<epoch seconds>&sig=<hmac>}: the local stand-in for an S3
 * pre-signed URL or an Azure SAS URL, handed out by {@link FileSystemBlobStore#downloadUrl}. No API
 * key: the signature is the credential, for one object and a limited time.
 */
public final class BlobDownloadHandler implements Function<ApiRequest, ApiResponse> {
    public static final String CONTEXT = "/blobs/";

    private final FileSystemBlobStore blobs;
    private final BlobUrlSigner signer;

    public BlobDownloadHandler(FileSystemBlobStore blobs, BlobUrlSigner signer) {
        this.blobs = blobs;
        this.signer = signer;
    }

    @Override
    public ApiResponse apply(ApiRequest request) {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return ApiResponse.error(ErrorKind.METHOD_NOT_ALLOWED, "method_not_allowed",
                    "expected GET for a blob download, found " + request.method()).withHeader("Allow", "GET, HEAD");
        }
        String key;
        long expires;
        try {
            List<String> segments = UriPaths.segments(request.path());
            key = String.join("/", segments.subList(1, segments.size()));
            expires = Long.parseLong(request.queryParam("expires").orElse("-1"));
        } catch (RuntimeException e) {
            return refused();
        }
        if (key.isEmpty() || !signer.verify(key, expires, request.queryParam("sig").orElse(null))) {
            return refused();
        }
        FileChannel channel;
        try {
            // size from the opened file, so a concurrent replace cannot make Content-Length lie
            java.nio.file.Path file = blobs.pathOf(key);
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw new java.nio.file.NoSuchFileException(key);
            }
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IllegalArgumentException | IOException notThere) {
            return ApiResponse.error(ErrorKind.NOT_FOUND, "blob_not_found", "no object " + key + " in the blob store");
        }
        try {
            String type = key.endsWith(".zip") ? "application/zip" : "application/octet-stream";
            return ApiResponse.stream(200, type, Channels.newInputStream(channel), channel.size());
        } catch (IOException e) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new UncheckedIOException("cannot read blob " + key, e);
        }
    }

    private static ApiResponse refused() {
        return ApiResponse.error(ErrorKind.FORBIDDEN, "download_url_invalid",
                "expected a download URL with a valid signature that has not expired; ask the API for a fresh one");
    }
}
