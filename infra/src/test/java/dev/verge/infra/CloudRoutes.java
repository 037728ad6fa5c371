package dev.verge.infra;

import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.CloudApi;
import dev.verge.cloud.api.Routes;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import java.lang.reflect.Field;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

/**
 * The routes the cloud API serves, as "METHOD /pattern", read from the route table of a {@link CloudServices}
 * built the way every runtime builds it. {@link CloudApi} keeps its {@link Routes} private, so the field is
 * found by its type (a public {@code CloudApi.routes()} would make this reflection unnecessary).
 */
final class CloudRoutes {

    private CloudRoutes() {}

    static List<String> served() {
        CloudApi api = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), Clock.systemUTC(),
                CloudConfig.withApiKeys("infra-test-key")).api();
        Field field = Arrays.stream(CloudApi.class.getDeclaredFields())
                .filter(f -> f.getType() == Routes.class)
                .findFirst()
                .orElseThrow(() -> new AssertionError("CloudApi has no Routes field any more: read the routes another way"));
        try {
            field.setAccessible(true);
            return ((Routes) field.get(api)).describe();
        } catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }
}
