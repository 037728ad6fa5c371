package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.demo.TinyDetectors;
import dev.verge.inference.pkg.ModelPackage;
import dev.verge.inference.predict.LabelScore;
import dev.verge.inference.runtime.Model;
import dev.verge.inference.runtime.ModelSlot;
import dev.verge.inference.runtime.ThreadSettings;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A detection package on the agent: /image answers boxes in the Custom Vision shape, listeners see them. */
class DetectionEndpointsTest {
    private static final Offset<Double> EXACT = Offset.offset(1e-5);
    private static final List<PredictionEvent> EVENTS = new CopyOnWriteArrayList<>();
    private static ModelSlot slot;
    private static EdgeServer server;
    private static AgentClient client;

    @BeforeAll
    static void start(@TempDir Path directory) throws IOException {
        // cx, cy, w, h in the 320x320 input, then the scores of apple and pear
        byte[] onnx = TinyDetectors.yolo(320, 2, new float[][] {
            {160, 160, 32, 64, 0.2f, 0.85f},
            {80, 120, 40, 20, 0.6f, 0.1f},
            {300, 300, 5, 5, 0.01f, 0.02f},
        }, false);
        Path pkg = Files.createDirectories(directory.resolve("fruit-detector"));
        Files.write(pkg.resolve("model.onnx"), onnx);
        Files.writeString(pkg.resolve("manifest.json"), """
                {"name": "fruit-detector", "version": "2", "task": "detection", "sha256": "%s",
                 "labels": ["apple", "pear"], "input": {"width": 320, "height": 320, "resize": "letterbox"},
                 "output": {"decoding": "yolo"}}""".formatted(ModelPackage.sha256(onnx)), StandardCharsets.UTF_8);
        slot = new ModelSlot();
        try (ModelPackage opened = ModelPackage.open(pkg)) {
            slot.swap(Model.load(opened, new ThreadSettings(1, 1)));
        }
        server = EdgeServer.serving(AgentSettings.defaults(Path.of("unused")).withHost("127.0.0.1").withPort(0), slot)
                .listener(EVENTS::add).start();
        client = new AgentClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        slot.close();
    }

    @Test
    void image_detectionModel_answersBoxesInCustomVisionShape() throws IOException {
        EVENTS.clear();
        // 640x320 letterboxed into 320x320: scale 0.5, bars of 80 above and below
        AgentClient.Answer answer = client.post("/image", "application/octet-stream", png(640, 320));

        assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
        JsonNode json = answer.json();
        assertThat(json.path("project").asText()).isEqualTo("fruit-detector");
        assertThat(json.path("iteration").asText()).isEqualTo("2");
        JsonNode predictions = json.path("predictions");
        assertThat(predictions).hasSize(2);
        JsonNode pear = predictions.get(0);
        assertThat(pear.fieldNames()).toIterable().containsExactly("probability", "tagId", "tagName", "boundingBox");
        assertThat(pear.path("tagName").asText()).isEqualTo("pear");
        assertThat(pear.path("tagId").isInt()).as("an integer, as in the detection export").isTrue();
        assertThat(pear.path("tagId").intValue()).isEqualTo(1);
        assertThat(pear.path("probability").asDouble()).isCloseTo(0.85, EXACT);
        // tensor (144, 128)-(176, 192): picture x 288..352 of 640, y (128 - 80) * 2 = 96 .. 224 of 320
        JsonNode box = pear.path("boundingBox");
        assertThat(box.fieldNames()).toIterable().containsExactly("left", "top", "width", "height");
        assertThat(box.path("left").asDouble()).isCloseTo(288.0 / 640, EXACT);
        assertThat(box.path("top").asDouble()).isCloseTo(96.0 / 320, EXACT);
        assertThat(box.path("width").asDouble()).isCloseTo(64.0 / 640, EXACT);
        assertThat(box.path("height").asDouble()).isCloseTo(128.0 / 320, EXACT);
        assertThat(predictions.get(1).path("tagName").asText()).isEqualTo("apple");

        assertThat(EVENTS).singleElement().satisfies(event -> assertThat(event.prediction().detections())
                .extracting(LabelScore::tagName).containsExactly("pear", "apple"));
    }

    @Test
    void oipMetadata_detectionModel_listsTheRawOutput() {
        JsonNode json = client.get("/v2/models/fruit-detector").json();
        assertThat(json.path("outputs").get(0).path("name").asText()).isEqualTo("output0");
        assertThat(json.path("outputs").get(0).path("shape").toString()).isEqualTo("[1,6,3]");
        assertThat(json.path("inputs").get(0).path("shape").toString()).isEqualTo("[1,3,320,320]");
    }

    private static byte[] png(int w, int h) throws IOException {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
