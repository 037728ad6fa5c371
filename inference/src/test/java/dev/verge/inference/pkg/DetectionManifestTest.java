package dev.verge.inference.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.inference.pkg.ManifestInvalidException.Problem;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DetectionManifestTest {
    private static final String SHA = "a".repeat(64);

    @Test
    void parse_yoloWithDefaults_readsDecodingAndThresholds() {
        Manifest m = parse("""
                {"task": "detection", "labels": ["apple", "pear"],
                 "input": {"width": 640, "height": 640, "resize": {"mode": "letterbox", "padValue": 114}},
                 "output": {"decoding": "yolo", "name": "output0"}}""");
        assertThat(m.isDetection()).isTrue();
        assertThat(m.input().resize()).isEqualTo("letterbox");
        assertThat(m.input().padValue()).isEqualTo(114);
        assertThat(m.output().name()).isEqualTo("output0");
        assertThat(m.output().activation()).isNull();
        Manifest.Detection d = m.output().detection();
        assertThat(d.decoding()).isEqualTo("yolo");
        assertThat(d.scoreThreshold()).isEqualTo(0.25);
        assertThat(d.iouThreshold()).isEqualTo(0.45);
        assertThat(d.maxDetections()).isEqualTo(100);
    }

    @Test
    void parse_boxesScoresClasses_readsOutputNamesAndBoxFormat() {
        Manifest m = parse("""
                {"task": "detection", "labels": ["person"], "input": {"width": 300, "height": 300},
                 "output": {"decoding": "boxes-scores-classes", "boxes": "b", "scores": "s", "classes": "c",
                            "boxFormat": "xyxy", "normalized": false, "classOffset": 1, "scoreThreshold": 0.3,
                            "iouThreshold": 0.6, "maxDetections": 10}}""");
        Manifest.Detection d = m.output().detection();
        assertThat(d.outputNames(null)).containsExactly("b", "s", "c");
        assertThat(d.boxFormat()).isEqualTo("xyxy");
        assertThat(d.normalized()).isFalse();
        assertThat(d.classOffset()).isEqualTo(1);
        assertThat(d.scoreThreshold()).isEqualTo(0.3);
        assertThat(d.iouThreshold()).isEqualTo(0.6);
        assertThat(d.maxDetections()).isEqualTo(10);
        Manifest defaults = parse("""
                {"task": "detection", "labels": ["person"], "input": {"width": 300, "height": 300},
                 "output": {"decoding": "boxes-scores-classes"}}""");
        assertThat(defaults.output().detection().outputNames(null))
                .containsExactly("detection_boxes", "detection_scores", "detection_classes");
        assertThat(defaults.output().detection().boxFormat()).isEqualTo("yxyx");
        assertThat(defaults.output().detection().normalized()).isTrue();
    }

    @Test
    void parse_dbTextWithFitMultiple_hasNoFixedSize() {
        Manifest m = parse("""
                {"task": "detection", "labels": ["text"],
                 "input": {"channels": "BGR", "resize": {"mode": "fit-multiple", "multiple": 32, "maxSide": 960}},
                 "output": {"decoding": "db-text", "binaryThreshold": 0.3, "unclipRatio": 1.5}}""");
        assertThat(m.input().isDynamicSize()).isTrue();
        assertThat(m.input().width()).isZero();
        assertThat(m.input().multiple()).isEqualTo(32);
        assertThat(m.input().maxSide()).isEqualTo(960);
        assertThat(m.output().detection().scoreThreshold()).isEqualTo(0.6);
        assertThat(m.output().detection().maxDetections()).isEqualTo(1000);
        Manifest shorthand = parse("""
                {"task": "detection", "labels": ["text"], "input": {"resize": "fit-multiple"},
                 "output": {"decoding": "db-text"}}""");
        assertThat(shorthand.input().multiple()).isEqualTo(32);
        assertThat(shorthand.input().maxSide()).isEqualTo(960);
    }

    @Test
    void toJson_detectionManifests_parsedAgainGiveEqualManifests() {
        for (String json : new String[] {
                """
                {"task": "detection", "labels": ["text"], "input": {"resize": {"mode": "fit-multiple", "maxSide": 640}},
                 "output": {"decoding": "db-text", "unclipRatio": 2.0}}""",
                """
                {"task": "detection", "labels": ["a", "b"], "input": {"width": 64, "height": 32,
                 "resize": {"mode": "letterbox", "padValue": 114}}, "output": {"decoding": "yolo", "name": "o"}}""",
                """
                {"task": "detection", "labels": ["a"], "input": {"width": 64, "height": 64},
                 "output": {"decoding": "boxes-scores-classes", "classOffset": 1, "boxFormat": "cxcywh"}}"""}) {
            Manifest m = parse(json);
            assertThat(Manifest.parse(m.toJson())).isEqualTo(m);
        }
    }

    @Test
    void parse_detectionWithoutDecoding_namesTheField() {
        assertProblems("""
                {"task": "detection", "labels": ["a"], "input": {"width": 8, "height": 8}, "output": {}}""",
                "output.decoding");
        assertProblems("""
                {"task": "detection", "labels": ["a"], "input": {"width": 8, "height": 8}}""", "output");
        assertProblems("""
                {"task": "detection", "labels": ["a"], "input": {"width": 8, "height": 8},
                 "output": {"decoding": "retinanet"}}""", "output.decoding");
    }

    @Test
    void parse_fieldsOfAnotherDecoding_everyOneReportedWithItsPath() {
        String json = """
                {"task": "detection", "labels": ["a", "b"], "input": {"width": 8, "height": 8},
                 "output": {"decoding": "yolo", "unclipRatio": 1.5, "boxes": "b", "activation": "softmax",
                            "anchors": 3, "scoreThreshold": 1.5, "iouThreshold": -0.1, "maxDetections": 0}}""";
        assertThatThrownBy(() -> parse(json)).isInstanceOfSatisfying(ManifestInvalidException.class, e -> {
            assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder("output.unclipRatio",
                    "output.boxes", "output.activation", "output.anchors", "output.scoreThreshold",
                    "output.iouThreshold", "output.maxDetections");
            assertThat(e.getMessage())
                    .contains("output.unclipRatio: not used by decoding yolo (it belongs to db-text); remove it")
                    .contains("output.scoreThreshold: expected a number from 0.0 to 1.0, found 1.5")
                    .contains("output.maxDetections: expected an integer from 1 to 10000, found 0");
        });
    }

    @Test
    void parse_contradictoryResizeAndSizes_reported() {
        assertProblems("""
                {"task": "detection", "labels": ["text"],
                 "input": {"width": 640, "height": 640, "resize": {"mode": "fit-multiple", "multiple": 32,
                           "maxSide": 1000, "padValue": 3}},
                 "output": {"decoding": "db-text"}}""",
                "input.width", "input.height", "input.resize.padValue", "input.resize.maxSide");
        assertProblems("""
                {"labels": ["a"], "input": {"width": 8, "height": 8, "resize": {"mode": "stretch", "multiple": 32}}}""",
                "input.resize.multiple");
        assertProblems("""
                {"labels": ["a"], "input": {"width": 8, "height": 8, "resize": {"multiple": 32}}}""",
                "input.resize.mode");
        assertProblems("""
                {"labels": ["a"], "input": {"resize": "stretch"}}""", "input.width", "input.height");
    }

    @Test
    void parse_dbTextWithSeveralLabels_refused() {
        assertProblems("""
                {"task": "detection", "labels": ["text", "logo"], "input": {"resize": "fit-multiple"},
                 "output": {"decoding": "db-text"}}""", "labels");
    }

    @Test
    void parse_boxesScoresClassesWithSingleOutputName_saysToNameTheThree() {
        assertProblems("""
                {"task": "detection", "labels": ["a"], "input": {"width": 8, "height": 8},
                 "output": {"decoding": "boxes-scores-classes", "name": "x", "boxFormat": "ltrb"}}""",
                "output.name", "output.boxFormat");
    }

    private static void assertProblems(String body, String... paths) {
        assertThatThrownBy(() -> parse(body)).isInstanceOfSatisfying(ManifestInvalidException.class, e ->
                assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder(paths));
    }

    /** {@code fields} is the body of a manifest without name, version and sha256. */
    @Test
    void parse_yoloRegion_anchorsAndTheExportsDefaults_roundTrip() {
        Manifest m = parse("""
                {"task": "detection", "labels": ["apple", "pear"], "input": {"width": 416, "height": 416},
                 "output": {"decoding": "yolo-region", "anchors": [1, 1, 2.5, 2]}}""");
        Manifest.Detection d = m.output().detection();
        assertThat(d.anchors()).containsExactly(1.0, 1.0, 2.5, 2.0);
        assertThat(d.scoreThreshold()).isEqualTo(0.1);
        assertThat(d.iouThreshold()).isEqualTo(0.45);
        assertThat(d.maxDetections()).isEqualTo(20);
        assertThat(Manifest.parse(m.toJson())).isEqualTo(m);
        Manifest defaults = parse("""
                {"task": "detection", "labels": ["apple"], "input": {"width": 416, "height": 416},
                 "output": {"decoding": "yolo-region"}}""");
        assertThat(defaults.output().detection().anchors()).isEqualTo(Manifest.Detection.CUSTOM_VISION_ANCHORS);
    }

    @Test
    void parse_yoloRegionWithOddOrNegativeAnchors_refusedWithThePath() {
        assertThatThrownBy(() -> parse("""
                {"task": "detection", "labels": ["apple"], "input": {"width": 416, "height": 416},
                 "output": {"decoding": "yolo-region", "anchors": [1, 1, 2]}}"""))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.problems())
                        .extracting(Problem::path).containsExactly("output.anchors"));
        assertThatThrownBy(() -> parse("""
                {"task": "detection", "labels": ["apple"], "input": {"width": 416, "height": 416},
                 "output": {"decoding": "yolo-region", "anchors": [1, -1]}}"""))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.problems())
                        .extracting(Problem::path).containsExactly("output.anchors[1]"));
        assertThatThrownBy(() -> parse("""
                {"task": "detection", "labels": ["apple"], "input": {"width": 416, "height": 416},
                 "output": {"decoding": "yolo", "anchors": [1, 1]}}"""))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.problems())
                        .extracting(Problem::path).containsExactly("output.anchors"));
    }

    private static Manifest parse(String fields) {
        String json = "{\"name\": \"m\", \"version\": \"1\", \"sha256\": \"" + SHA + "\", " + fields.strip().substring(1);
        return Manifest.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
