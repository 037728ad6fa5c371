package dev.verge.edge.sync;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.verge.inference.json.Json;
import dev.verge.wire.DeviceHeaders;
import dev.verge.wire.desired.DesiredStatement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The device's side of the cloud API (README "Roll out to devices"): the status report, the desired state, the package
 * download, and the predictions of the cloud fallback. Every call is bounded: a connect timeout, a time
 * limit per call (a download instead may not stall longer than that), and a size limit on every answer.
 * Every failure is a {@link SyncException}.
 */
final class DeviceApiClient implements AutoCloseable {
    static final long MAX_ANSWER_BYTES = 256 * 1024;
    private static final long MAX_ERROR_BYTES = 4 * 1024;
    private static final int MAX_REDIRECTS = 3;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes\\s+(\\d+)-(\\d+)/(\\d+|\\*)");

    private final SyncSettings settings;
    private final String base;
    private final String devicePath;
    // the device key goes only to the cloud itself: no redirects there; other origins (pre-signed URLs
    // of a bucket) get no device headers and may redirect
    private final HttpClient cloud;
    private final HttpClient elsewhere;

    DeviceApiClient(SyncSettings settings) {
        this.settings = settings;
        String text = settings.cloud().toString();
        this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.devicePath = "/api/devices/" + segment(settings.deviceId());
        // the client certificate goes to the cloud itself only; the private CA is trusted everywhere
        this.cloud = settings.tls().applyTo(HttpClient.newBuilder(), settings.tls().context())
                .connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NEVER).build();
        this.elsewhere = settings.tls().applyTo(HttpClient.newBuilder(), settings.tls().trustContext())
                .connectTimeout(settings.timeout()).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** {@code POST /api/devices/{id}/status}; any 2xx is taken. */
    void report(StatusReport report) {
        byte[] json;
        try {
            json = Json.mapper().writeValueAsBytes(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status report", e);
        }
        Answer answer = call(deviceRequest(URI.create(base + devicePath + "/status"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)), "status report");
        if (answer.status() / 100 != 2) {
            throw unexpected("the status report", answer);
        }
    }

    /** {@code GET /api/devices/{id}/desired} in protocol 2: the signed statement's bytes, for {@link StatementVerifier}. */
    byte[] desired() {
        Answer answer = call(deviceRequest(URI.create(base + devicePath + "/desired"))
                .header(DeviceHeaders.PROTOCOL, Integer.toString(DesiredStatement.PROTOCOL)).GET(), "desired state");
        if (answer.status() != 200) {
            throw unexpected("the desired state", answer);
        }
        return answer.body();
    }

    /**
     * {@code POST /api/models/{model}/versions/{version}/predict} with the device's credentials and the image as
     * raw bytes; the answer whatever its status (the caller judges it), bounded like every call here.
     */
    Answer predict(String model, String version, byte[] image) {
        URI uri = URI.create(base + "/api/models/" + segment(model) + "/versions/" + segment(version) + "/predict");
        return call(deviceRequest(uri)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)), "forwarded prediction");
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Downloads {@code url} into {@code part}, going on from the bytes already there (HTTP Range) when the
     * server allows it and starting over when it does not. Stops at {@code size} bytes. Answers whether bytes
     * of an earlier attempt were kept; checking the bytes is the caller's job.
     */
    boolean download(String url, Path part, long size) {
        return download(resolve(url), part, size, MAX_REDIRECTS);
    }

    private boolean download(URI uri, Path part, long size, int redirectsLeft) {
        boolean own = sameOrigin(uri);
        try {
            long have = Files.exists(part) ? Files.size(part) : 0;
            if (have > size) {
                Files.delete(part);
                have = 0;
            }
            if (have == size) {
                return true;
            }
            HttpRequest.Builder request = own ? deviceRequest(uri) : HttpRequest.newBuilder(uri);
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
            }
            long offset = have;
            AtomicReference<BoundedBody> body = new AtomicReference<>();
            AtomicBoolean intoFile = new AtomicBoolean();
            AtomicBoolean resumed = new AtomicBoolean();
            ByteArrayOutputStream error = new ByteArrayOutputStream();
            URI redirectedTo = null;
            try (FileChannel file = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                HttpResponse.BodyHandler<Long> handler = info -> {
                    try {
                        if (info.statusCode() == 206 && resumesAt(info.headers(), offset)) {
                            file.position(offset);
                            body.set(new BoundedBody(file, size - offset));
                            intoFile.set(true);
                            resumed.set(true);
                        } else if (info.statusCode() == 200) {
                            file.truncate(0).position(0);
                            body.set(new BoundedBody(file, size));
                            intoFile.set(true);
                        } else {
                            body.set(new BoundedBody(Channels.newChannel(error), MAX_ERROR_BYTES));
                        }
                        return body.get();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                };
                HttpClient client = own ? cloud : elsewhere;
                HttpResponse<Long> response;
                try {
                    response = await(client.sendAsync(request.GET().build(), handler),
                            () -> body.get() == null ? 0 : body.get().written(), null, "the package download",
                            "package_download_failed");
                } catch (SyncException e) {
                    if (tooLarge(e) && intoFile.get()) {
                        file.truncate(0);
                        throw SyncException.refused("package_size_mismatch", "the package at " + uri.getPath()
                                + " is larger than the " + size + " bytes the desired state announced");
                    }
                    throw e;
                }
                int status = response.statusCode();
                if (status == 416 || (status == 206 && !intoFile.get())) {
                    file.truncate(0);
                    throw SyncException.transientFailure("package_download_failed", "the server did not resume at byte "
                            + offset + " (" + status + "); starting over on the next try");
                }
                Optional<String> location = response.headers().firstValue("Location");
                if (own && status / 100 == 3 && location.isPresent() && redirectsLeft > 0) {
                    // the cloud sends the device to a bucket: followed here, so the device key stays with the cloud
                    redirectedTo = redirect(uri, location.get());
                } else if (!intoFile.get()) {
                    throw SyncException.transientFailure("package_download_failed", "expected 200 or 206 for the package at "
                            + uri.getPath() + ", found " + status + ": " + snippet(error.toByteArray()));
                }
            }
            return redirectedTo != null ? download(redirectedTo, part, size, redirectsLeft - 1) : resumed.get();
        } catch (IOException e) {
            throw SyncException.transientFailure("package_download_failed", "cannot write the download to " + part + ": "
                    + e.getMessage(), e);
        }
    }

    private static URI redirect(URI from, String location) {
        try {
            URI to = from.resolve(location.strip());
            if (!"https".equalsIgnoreCase(to.getScheme()) && !"http".equalsIgnoreCase(to.getScheme())) {
                throw new IllegalArgumentException("not http(s)");
            }
            return to;
        } catch (IllegalArgumentException e) {
            throw SyncException.transientFailure("package_download_failed", "the cloud redirected the package download to '"
                    + location + "', which is not an http(s) URL");
        }
    }

    /** A package URL relative to the cloud ({@code /api/...}) or absolute (a pre-signed URL). */
    URI resolve(String url) {
        try {
            URI uri = url.startsWith("/") ? URI.create(base + url) : URI.create(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw SyncException.transientFailure("cloud_answer_invalid",
                    "expected package.url as /api/... or an http(s) URL, found '" + url + "'");
        }
    }

    /** The cloud itself (device headers allowed) rather than a bucket elsewhere. */
    boolean sameOrigin(URI uri) {
        URI cloudUri = settings.cloud();
        return uri.getScheme().equalsIgnoreCase(cloudUri.getScheme())
                && uri.getHost().equalsIgnoreCase(cloudUri.getHost())
                && port(uri) == port(cloudUri);
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    private HttpRequest.Builder deviceRequest(URI uri) {
        return HttpRequest.newBuilder(uri)
                .header(DeviceHeaders.DEVICE_ID, settings.deviceId())
                .header(DeviceHeaders.DEVICE_KEY, settings.deviceKey())
                .header("Accept", "application/json");
    }

    private Answer call(HttpRequest.Builder request, String what) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BoundedBody body = new BoundedBody(Channels.newChannel(out), MAX_ANSWER_BYTES);
        HttpResponse<Long> response = await(cloud.sendAsync(request.build(), info -> body), body::written,
                settings.timeout(), "the " + what, "cloud_unreachable");
        return new Answer(response.statusCode(), out.toByteArray(), response.headers());
    }

    /**
     * Waits for an exchange. {@code limit} non-null: the whole exchange must end within it. Null: it may
     * take as long as bytes keep coming, but not stall for longer than the sync timeout.
     */
    private HttpResponse<Long> await(CompletableFuture<HttpResponse<Long>> exchange, LongSupplier progress,
                                     Duration limit, String what, String failureCode) {
        long stallNanos = settings.timeout().toNanos();
        long step = Math.max(1, Math.min(250, settings.timeout().toMillis() / 4));
        long start = System.nanoTime();
        long lastProgress = start;
        long seen = progress.getAsLong();
        while (true) {
            try {
                return exchange.get(step, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                long now = System.nanoTime();
                long bytes = progress.getAsLong();
                if (bytes != seen) {
                    seen = bytes;
                    lastProgress = now;
                }
                boolean over = limit != null ? now - start > limit.toNanos() : now - lastProgress > stallNanos;
                if (over) {
                    exchange.cancel(true);
                    throw limit != null
                            ? SyncException.transientFailure("cloud_timeout", what + " took longer than " + limit
                                    + " (" + settings.cloud().getHost() + ")")
                            : SyncException.transientFailure(failureCode, what + " stalled: no byte for "
                                    + settings.timeout() + " after " + bytes + " bytes");
                }
            } catch (InterruptedException e) {
                exchange.cancel(true);
                Thread.currentThread().interrupt();
                throw SyncException.transientFailure("sync_interrupted", what + " was interrupted", e);
            } catch (ExecutionException e) {
                throw failure(what, e.getCause(), failureCode);
            }
        }
    }

    private SyncException failure(String what, Throwable cause, String code) {
        if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
            return SyncException.transientFailure("cloud_unreachable", "cannot connect to " + settings.cloud().getHost()
                    + " for " + what + ": " + describe(cause), cause);
        }
        if (tooLarge(cause)) {
            return SyncException.transientFailure("cloud_answer_invalid", what + ": " + cause.getMessage(), cause);
        }
        return SyncException.transientFailure(code, what + " failed: " + describe(cause), cause);
    }

    private static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BoundedBody.BodyTooLargeException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return cause.getClass().getSimpleName() + (message == null ? "" : " " + message);
    }

    static SyncException unexpected(String what, Answer answer) {
        if (answer.status() == 401 || answer.status() == 403) {
            return SyncException.transientFailure("device_unauthorized", "the cloud refused this device's id or key for "
                    + what + " (" + answer.status() + "): " + snippet(answer.body()));
        }
        return SyncException.transientFailure("cloud_status_unexpected", "expected 2xx for " + what + ", found "
                + answer.status() + ": " + snippet(answer.body()));
    }

    private static boolean resumesAt(HttpHeaders headers, long offset) {
        Matcher m = CONTENT_RANGE.matcher(headers.firstValue("Content-Range").orElse(""));
        return m.matches() && Long.parseLong(m.group(1)) == offset;
    }

    private static String snippet(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8).strip().replaceAll("\\s+", " ");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    @Override
    public void close() {
        // nothing to wait for: a poll in flight is being abandoned on purpose
        cloud.shutdownNow();
        elsewhere.shutdownNow();
    }

    record Answer(int status, byte[] body, HttpHeaders headers) {}
}
