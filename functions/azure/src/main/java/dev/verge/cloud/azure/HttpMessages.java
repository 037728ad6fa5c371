package dev.verge.cloud.azure;

import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import java.io.ByteArrayInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Translates the Functions worker's HTTP messages to the cloud API's and back. */
final class HttpMessages {

    private HttpMessages() {}

    static ApiRequest toApiRequest(HttpRequestMessage<Optional<byte[]>> request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.getHeaders().forEach((name, value) -> headers.put(name, List.of(value)));
        Map<String, List<String>> query = new LinkedHashMap<>();
        request.getQueryParameters().forEach((name, value) -> query.put(name, List.of(value)));
        byte[] body = request.getBody().orElse(new byte[0]);
        String rawQuery = request.getUri().getRawQuery();
        return rawQuery != null
                ? ApiRequest.of(request.getHttpMethod().name(), request.getUri().getRawPath() + "?" + rawQuery, headers,
                        new ByteArrayInputStream(body))
                : new ApiRequest(request.getHttpMethod().name(), request.getUri().getRawPath(), headers, query,
                        new ByteArrayInputStream(body));
    }

    /** The worker sends a whole byte[] body, so a streamed body is read here (package downloads redirect instead). */
    static HttpResponseMessage toHttpResponse(HttpRequestMessage<?> request, ApiResponse response) {
        HttpResponseMessage.Builder builder = request.createResponseBuilder(HttpStatusType.custom(response.status()));
        response.headers().forEach(builder::header);
        byte[] body = response.bodyBytes();
        return body.length == 0 ? builder.build() : builder.body(body).build();
    }
}
