package dev.verge.cloud.azure.storage;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpClientProvider;

/**
 * Makes {@link JdkHttpClient} what the SDK's {@code HttpClient.createDefault()} finds (META-INF/services), for
 * any client built without one, since the SDK's default Netty transport is left out of the build.
 */
public final class JdkHttpClientProvider implements HttpClientProvider {

    @Override
    public HttpClient createInstance() {
        return JdkHttpClient.shared();
    }
}
