package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verge.demo.DemoModels;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelSlot;
import dev.verge.inference.runtime.ThreadSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every answered /image and /url reaches the listeners, failures included, and a failing listener changes no answer. */
class PredictionListenerTest {
    private static final List<PredictionEvent> EVENTS = new CopyOnWriteArrayList<>();
    private static ModelSlot slot;
    private static EdgeServer server;
    private static AgentClient client;

    @BeforeAll
    static void start(@TempDir Path directory) throws Exception {
        slot = new ModelSlot();
        try (ModelPackage pkg = ModelPackage.open(DemoModels.fruitQuality(directory, "7"))) {
            slot.swap(Model.load(pkg, new ThreadSettings(1, 1)));
        }
        PredictionListener throwing = event -> {
            throw new IllegalStateException("a broken listener");
        };
        server = EdgeServer.serving(AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0), slot)
                .listener(PredictionListener.all(List.of(throwing, EVENTS::add))).start();
        client = new AgentClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        slot.close();
    }

    @Test
    void image_answered_listenerGetsPredictionModelAndImage() {
        EVENTS.clear();
        byte[] apple = TestImages.appleJpeg();

        assertThat(client.post("/image", "image/jpeg", apple).status()).isEqualTo(200);

        assertThat(EVENTS).singleElement().satisfies(event -> {
            assertThat(event.route()).isEqualTo("image");
            assertThat(event.succeeded()).isTrue();
            assertThat(event.status()).isEqualTo(200);
            assertThat(event.model().version()).isEqualTo("7");
            assertThat(event.prediction().top().tagName()).isNotBlank();
            assertThat(event.inputBytes()).isEqualTo(apple.length);
            assertThat(event.errorCode()).isNull();
        });
    }

    @Test
    void image_notAnImage_listenerGetsFailureWithCode() {
        EVENTS.clear();

        assertThat(client.post("/image", "application/octet-stream", "hello".getBytes()).status()).isEqualTo(400);

        assertThat(EVENTS).singleElement().satisfies(event -> {
            assertThat(event.succeeded()).isFalse();
            assertThat(event.status()).isEqualTo(400);
            assertThat(event.errorCode()).isNotBlank();
            assertThat(event.model().name()).isEqualTo(DemoModels.NAME);
        });
    }

    @Test
    void image_modelFailsToRun_answers500AndListenerGetsTheError(@TempDir Path directory) {
        try (ModelPackage pkg = ModelPackage.open(DemoModels.fruitQualityFailingOnBrightPictures(directory, "8"))) {
            slot.swap(Model.load(pkg, new ThreadSettings(1, 1)));
        }
        try {
            EVENTS.clear();

            assertThat(client.post("/image", "image/jpeg", TestImages.appleJpeg()).status()).isEqualTo(500);

            assertThat(EVENTS).singleElement().satisfies(event -> {
                assertThat(event.succeeded()).isFalse();
                assertThat(event.status()).isEqualTo(500);
                assertThat(event.errorCode()).isEqualTo("internal_error");
                assertThat(event.model().version()).isEqualTo("8");
            });
        } finally {
            try (ModelPackage pkg = ModelPackage.open(DemoModels.fruitQuality(directory, "7"))) {
                slot.swap(Model.load(pkg, new ThreadSettings(1, 1)));
            }
        }
    }

    @Test
    void url_badJson_listenerGetsFailure() {
        EVENTS.clear();

        assertThat(client.post("/url", "application/json", "{".getBytes()).status()).isEqualTo(400);

        assertThat(EVENTS).singleElement().satisfies(event -> {
            assertThat(event.route()).isEqualTo("url");
            assertThat(event.errorCode()).isEqualTo("url_request_invalid");
            assertThat(event.image()).isNull();
        });
    }
}
