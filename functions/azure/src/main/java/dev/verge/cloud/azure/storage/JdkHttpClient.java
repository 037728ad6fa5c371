package dev.verge.cloud.azure.storage;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeader;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.core.util.FluxUtil;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The Azure SDK's transport over {@code java.net.http}, in place of its default Netty one: no Netty in the
 * Functions worker (whose own Netty has clashed with the SDK's before) and 11 MB less in the staging folder.
 * Requests are sent synchronously, as the SDK's sync clients ask; response bodies stream from the socket.
 * Retries, authorization and request ids are the pipeline's policies, not this class's.
 */
public final class JdkHttpClient implements HttpClient {

    /** Headers {@code java.net.http} sets itself and refuses from callers; it computes Content-Length from the body. */
    private static final Set<String> RESTRICTED = Set.of("content-length", "host", "connection", "expect", "upgrade");

    private static final JdkHttpClient SHARED = new JdkHttpClient(Duration.ofSeconds(15), Duration.ofSeconds(60));

    private final java.net.http.HttpClient http;
    private final Duration responseTimeout;

    /** One client (one connection pool) for every store and credential of the worker. */
    public static JdkHttpClient shared() {
        return SHARED;
    }

    /** {@code responseTimeout} bounds each try until the response's headers arrive. */
    public JdkHttpClient(Duration connectTimeout, Duration responseTimeout) {
        this.http = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
        this.responseTimeout = responseTimeout;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return send(request, Context.NONE);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return Mono.fromCallable(() -> sendSync(request, context)).subscribeOn(Schedulers.boundedElastic());
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        try {
            java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(request.getUrl().toURI())
                    .timeout(responseTimeout)
                    .method(request.getHttpMethod().name(), body(request));
            for (HttpHeader header : request.getHeaders()) {
                if (!RESTRICTED.contains(header.getName().toLowerCase(Locale.ROOT))) {
                    header.getValuesList().forEach(value -> builder.header(header.getName(), value));
                }
            }
            java.net.http.HttpResponse<InputStream> response =
                    http.send(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            return new StreamedResponse(request, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI: " + request.getUrl(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new IOException("interrupted while waiting for " + request.getHttpMethod(), e));
        }
    }

    private static BodyPublisher body(HttpRequest request) {
        BinaryData body = request.getBodyAsBinaryData();
        if (body == null) {
            // PUT and POST without a body still say Content-Length: 0 (Create Container, for one)
            return switch (request.getHttpMethod()) {
                case PUT, POST, PATCH -> BodyPublishers.ofByteArray(new byte[0]);
                default -> BodyPublishers.noBody();
            };
        }
        // the SDK's async uploads stream a Flux of unknown length and say how long it is in Content-Length
        String declared = request.getHeaders().getValue(HttpHeaderName.CONTENT_LENGTH);
        Long length = body.getLength() != null ? body.getLength() : declared == null ? null : Long.valueOf(declared);
        if (length != null && length == 0) {
            return BodyPublishers.ofByteArray(new byte[0]);
        }
        BodyPublisher stream = BodyPublishers.ofInputStream(body::toStream);
        // a known length is sent as Content-Length (Shared Key signs it), an unknown one chunked
        return length == null ? stream : BodyPublishers.fromPublisher(stream, length);
    }

    /** A response whose body is read from the connection on demand, once. */
    private static final class StreamedResponse extends HttpResponse {

        private final int status;
        private final HttpHeaders headers = new HttpHeaders();
        private final InputStream body;

        StreamedResponse(HttpRequest request, java.net.http.HttpResponse<InputStream> response) {
            super(request);
            this.status = response.statusCode();
            response.headers().map().forEach((name, values) -> {
                if (!name.startsWith(":")) {
                    headers.set(name, values);
                }
            });
            this.body = response.body();
        }

        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        @Deprecated
        public String getHeaderValue(String name) {
            return headers.getValue(name);
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        @Override
        public Flux<ByteBuffer> getBody() {
            return FluxUtil.toFluxByteBuffer(body).doFinally(signal -> close());
        }

        @Override
        public BinaryData getBodyAsBinaryData() {
            return BinaryData.fromStream(body);
        }

        @Override
        public Mono<byte[]> getBodyAsByteArray() {
            return Mono.fromCallable(this::readAll);
        }

        @Override
        public Mono<String> getBodyAsString() {
            return getBodyAsString(StandardCharsets.UTF_8);
        }

        @Override
        public Mono<String> getBodyAsString(Charset charset) {
            return Mono.fromCallable(() -> new String(readAll(), charset));
        }

        @Override
        public Mono<InputStream> getBodyAsInputStream() {
            return Mono.just(body);
        }

        @Override
        public void writeBodyTo(WritableByteChannel channel) throws IOException {
            try (InputStream in = body) {
                in.transferTo(Channels.newOutputStream(channel));
            }
        }

        private byte[] readAll() throws IOException {
            try (InputStream in = body) {
                return in.readAllBytes();
            }
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // the connection is dropped either way
            }
        }
    }
}
