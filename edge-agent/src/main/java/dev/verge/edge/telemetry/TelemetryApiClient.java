package dev.verge.edge.telemetry;

import dev.verge.wire.DeviceHeaders;
import dev.verge.wire.telemetry.TelemetryBatch;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The device's side of the telemetry API: the two cloud routes (telemetry batches, samples) that the
 * {@link Uplink} calls, with the device's headers ({@code X-Device-Id}, {@code X-Device-Key}). Sorts answers into three outcomes: 2xx returns the body; a refusal that a retry
 * cannot fix (400, 413, 415, 422) throws {@link Refused}; anything else (no connection, time-out,
 * 5xx, 401/403 while the device is being registered, 404 from a cloud without the route yet, 408, 429)
 * throws {@link CloudUnavailableException}.
 */
final class TelemetryApiClient {

    /** The cloud answered that this delivery is wrong; resending it would get the same answer. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    private final URI base;
    private final String deviceId;
    private final String deviceKey;
    private final Duration requestTimeout;
    private final HttpClient http;

    TelemetryApiClient(URI base, String deviceId, String deviceKey, Duration connectTimeout, Duration requestTimeout) {
        this(base, deviceId, deviceKey, connectTimeout, requestTimeout, null);
    }

    /** {@code tls}: the context for a private CA or a client certificate ({@code CloudTls}); null for the JDK's default. */
    TelemetryApiClient(URI base, String deviceId, String deviceKey, Duration connectTimeout, Duration requestTimeout,
                javax.net.ssl.SSLContext tls) {
        String b = base.toString();
        this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
        this.deviceId = deviceId;
        this.deviceKey = deviceKey;
        this.requestTimeout = requestTimeout;
        HttpClient.Builder builder = tls == null ? HttpClient.newBuilder() : HttpClient.newBuilder().sslContext(tls);
        this.http = builder
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** {@code POST /api/telemetry} with a gzipped JSON batch; the answer's body. */
    String postTelemetry(byte[] gzippedJson) throws Refused {
        HttpRequest request = request(TelemetryBatch.PATH)
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzippedJson))
                .build();
        return send(request, "telemetry batch");
    }

    /** {@code POST /api/samples?...} with the image bytes; the answer's body. */
    String postSample(byte[] image, String contentType, Map<String, String> query) throws Refused {
        StringJoiner q = new StringJoiner("&");
        query.forEach((name, value) -> q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpRequest request = request("/api/samples?" + q)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();
        return send(request, "sample");
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .timeout(requestTimeout)
                .header(DeviceHeaders.DEVICE_ID, deviceId)
                .header(DeviceHeaders.DEVICE_KEY, deviceKey);
    }

    private String send(HttpRequest request, String what) throws Refused {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CloudUnavailableException("cannot send the " + what + " to " + request.uri().getHost() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CloudUnavailableException("interrupted while sending the " + what);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response.body();
        }
        String message = "the cloud answered " + status + " to the " + what + ": " + abbreviate(response.body());
        if (status == 400 || status == 413 || status == 415 || status == 422) {
            throw new Refused(message);
        }
        throw new CloudUnavailableException(message);
    }

    private static String abbreviate(String body) {
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }

    URI base() {
        return base;
    }
}
