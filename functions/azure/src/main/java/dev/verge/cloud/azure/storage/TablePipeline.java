package dev.verge.cloud.azure.storage;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.AddDatePolicy;
import com.azure.core.http.policy.AddHeadersPolicy;
import com.azure.core.http.policy.BearerTokenAuthenticationPolicy;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.util.Context;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Sends Table service requests through an azure-core {@link HttpPipeline}: a client request id
 * ({@code x-ms-client-request-id}), the API version, retries ({@link StorageRetries#TABLES}), a fresh date
 * per try, and authorization with the account key or a bearer token for {@code https://storage.azure.com}.
 * The per-try timeout is the transport's. Answers are read whole: entities are at most 1 MiB.
 */
final class TablePipeline {

    static final String API_VERSION = "2019-02-02";
    static final String STORAGE_SCOPE = "https://storage.azure.com/.default";

    /** One answer of the Table service. */
    record Reply(int status, HttpHeaders headers, byte[] body) {
        String header(String name) {
            return headers.getValue(HttpHeaderName.fromString(name));
        }
    }

    private final HttpPipeline pipeline;

    TablePipeline(StorageCredential credential, HttpClient http) {
        HttpHeaders fixed = new HttpHeaders()
                .set(HttpHeaderName.fromString("x-ms-version"), API_VERSION)
                .set(HttpHeaderName.fromString("DataServiceVersion"), "3.0");
        HttpPipelinePolicy authorization = switch (credential) {
            case StorageCredential.AccountKey key -> new TableSharedKeyPolicy(key.key());
            case StorageCredential.Identity identity -> new BearerTokenAuthenticationPolicy(identity.tokens(), STORAGE_SCOPE);
        };
        this.pipeline = new HttpPipelineBuilder()
                .httpClient(http)
                .policies(new RequestIdPolicy(), new AddHeadersPolicy(fixed), new RetryPolicy(StorageRetries.TABLES),
                        new AddDatePolicy(), authorization)
                .build();
    }

    Reply send(HttpMethod method, String url, Map<String, String> headers, byte[] body) {
        HttpRequest request = new HttpRequest(method, url);
        headers.forEach(request::setHeader);
        if (body != null) {
            request.setBody(body);
        }
        try (HttpResponse response = pipeline.sendSync(request, Context.NONE)) {
            byte[] bytes = response.getBodyAsBinaryData().toBytes();
            return new Reply(response.getStatusCode(), response.getHeaders(), bytes == null ? new byte[0] : bytes);
        } catch (RuntimeException e) {
            throw AzureStorageException.from(method + " " + pathOf(url), e);
        }
    }

    /** The error for an answer the caller did not expect, with Azure's error code and message. */
    static AzureStorageException failure(HttpMethod method, String url, Reply reply) {
        String code = reply.header("x-ms-error-code");
        String body = new String(reply.body(), 0, Math.min(reply.body().length, 500), StandardCharsets.UTF_8);
        return new AzureStorageException(reply.status(), code, "Azure Storage answered " + reply.status()
                + (code == null ? "" : " " + code) + " to " + method + " " + pathOf(url)
                + (body.isBlank() ? "" : ": " + body.strip()));
    }

    private static String pathOf(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query); // never the query: it may hold a SAS
    }
}
