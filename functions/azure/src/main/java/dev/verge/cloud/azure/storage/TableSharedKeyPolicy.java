package dev.verge.cloud.azure.storage;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.policy.HttpPipelineSyncPolicy;
import com.azure.storage.common.StorageSharedKeyCredential;
import java.util.Objects;

/**
 * Shared Key authorization for the Table service, which signs less than the Blob service's Shared Key that
 * azure-storage-common's policy computes: verb, Content-MD5, Content-Type, date and the resource path (with
 * {@code ?comp=} if present). Signed with the SDK's {@link StorageSharedKeyCredential#computeHmac256}; the
 * policy that does this in azure-data-tables is not available here. Runs after the retry policy and
 * {@code AddDatePolicy}, so every try is signed with its own date.
 */
final class TableSharedKeyPolicy extends HttpPipelineSyncPolicy {

    private final StorageSharedKeyCredential key;

    TableSharedKeyPolicy(StorageSharedKeyCredential key) {
        this.key = key;
    }

    @Override
    protected void beforeSendingRequest(HttpPipelineCallContext context) {
        HttpRequest request = context.getHttpRequest();
        request.setHeader(HttpHeaderName.AUTHORIZATION, "SharedKey " + key.getAccountName() + ":" + key.computeHmac256(stringToSign(request)));
    }

    String stringToSign(HttpRequest request) {
        var headers = request.getHeaders();
        String date = Objects.requireNonNullElse(headers.getValue(HttpHeaderName.X_MS_DATE), headers.getValue(HttpHeaderName.DATE));
        String path = request.getUrl().getPath(); // as sent: URL does not decode;
        StringBuilder resource = new StringBuilder("/").append(key.getAccountName()).append(path == null || path.isEmpty() ? "/" : path);
        String query = request.getUrl().getQuery();
        if (query != null) {
            for (String pair : query.split("&")) {
                if (pair.startsWith("comp=")) {
                    resource.append("?comp=").append(pair.substring("comp=".length()));
                }
            }
        }
        return String.join("\n",
                request.getHttpMethod().name(),
                Objects.requireNonNullElse(headers.getValue(HttpHeaderName.CONTENT_MD5), ""),
                Objects.requireNonNullElse(headers.getValue(HttpHeaderName.CONTENT_TYPE), ""),
                Objects.requireNonNullElse(date, ""),
                resource);
    }
}
