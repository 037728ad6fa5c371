package dev.verge.inference.pkg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.inference.pkg.ManifestInvalidException.Problem;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ManifestTest {
    private static final String SHA = "a".repeat(64);

    private static final String DESIGN_EXAMPLE = """
            {
              "name": "fruit-quality",
              "version": "3",
              "task": "classification",
              "file": "model.onnx",
              "sha256": "%s",
              "labels": ["ripe", "unripe"],
              "input": {
                "name": "image", "layout": "NCHW", "width": 224, "height": 224,
                "channels": "RGB", "scale": 255.0,
                "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
                "resize": "stretch"
              },
              "output": { "name": "probabilities", "activation": "softmax" }
            }
            """.formatted(SHA);

    @Test
    void parse_designExample_readsEveryField() {
        Manifest m = Manifest.parse(bytes(DESIGN_EXAMPLE));
        assertThat(m.name()).isEqualTo("fruit-quality");
        assertThat(m.version()).isEqualTo("3");
        assertThat(m.task()).isEqualTo("classification");
        assertThat(m.file()).isEqualTo("model.onnx");
        assertThat(m.sha256()).isEqualTo(SHA);
        assertThat(m.labels()).containsExactly("ripe", "unripe");
        assertThat(m.input()).isEqualTo(new Manifest.InputSpec("image", "NCHW", 224, 224, "RGB", 255.0,
                new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225}, "stretch"));
        assertThat(m.output()).isEqualTo(new Manifest.OutputSpec("probabilities", "softmax"));
    }

    @Test
    void parse_minimalManifest_appliesDefaults() {
        Manifest m = Manifest.parse(bytes("""
                {"name": "m", "version": "1", "sha256": "%s", "labels": ["a"], "input": {"width": 8, "height": 6}}
                """.formatted(SHA)));
        assertThat(m.task()).isEqualTo("classification");
        assertThat(m.file()).isEqualTo("model.onnx");
        assertThat(m.input()).isEqualTo(new Manifest.InputSpec(null, "NCHW", 8, 6, "RGB", 255.0,
                new double[] {0, 0, 0}, new double[] {1, 1, 1}, "stretch"));
        assertThat(m.output()).isEqualTo(new Manifest.OutputSpec(null, "softmax"));
    }

    @Test
    void parse_numericVersionAndUpperCaseSha_normalizes() {
        Manifest m = Manifest.parse(bytes("""
                {"name": "m", "version": 12, "sha256": "%s", "labels": ["a"], "input": {"width": 8, "height": 6,
                 "layout": "nhwc", "channels": "bgr", "resize": "Letterbox"}, "output": {"activation": "NONE"}}
                """.formatted("AB".repeat(32))));
        assertThat(m.version()).isEqualTo("12");
        assertThat(m.sha256()).isEqualTo("ab".repeat(32));
        assertThat(m.input().layout()).isEqualTo("NHWC");
        assertThat(m.input().channels()).isEqualTo("BGR");
        assertThat(m.input().resize()).isEqualTo("letterbox");
        assertThat(m.output().activation()).isEqualTo("none");
    }

    @Test
    void parse_manyMistakes_reportsEveryProblemWithItsPath() {
        String json = """
                {"name": "../etc", "version": "1/2", "task": "segmentation", "file": "../model.onnx", "sha256": "abc",
                 "labels": ["ripe", "ripe", 3],
                 "input": {"layout": "CHW", "height": 0, "channels": "RGBA", "scale": -1,
                           "mean": [0.5, 0.5], "std": [0.5, 0, "x"], "resize": "zoom", "mena": [1, 2, 3]},
                 "output": {"activation": "sigmoid"}}
                """;
        assertThatThrownBy(() -> Manifest.parse(bytes(json)))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> {
                    assertThat(e.code()).isEqualTo("manifest_invalid");
                    assertThat(e.kind().httpStatus()).isEqualTo(422);
                    assertThat(e.problems()).extracting(Problem::path).containsExactlyInAnyOrder(
                            "name", "version", "task", "file", "sha256", "labels[1]", "labels[2]",
                            "input.mena", "input.layout", "input.width", "input.height", "input.channels",
                            "input.scale", "input.mean", "input.std[1]", "input.std[2]", "input.resize",
                            "output.activation");
                    assertThat(e.problems()).contains(new Problem("input.mean", "expected 3 values, found 2"));
                    assertThat(e.problems()).contains(new Problem("labels[1]", "duplicate of labels[0] \"ripe\""));
                    assertThat(e.getMessage()).startsWith("manifest.json has 18 problems: ")
                            .contains("input.resize: expected one of [stretch, center-crop, letterbox, fit-multiple], found \"zoom\"")
                            .contains("output.activation: expected one of [softmax, none], found \"sigmoid\"")
                            .contains("input.width: is required");
                });
    }

    @Test
    void parse_missingRequiredFields_listsThemAll() {
        assertThatThrownBy(() -> Manifest.parse(bytes("{}")))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.problems())
                        .extracting(Problem::path)
                        .containsExactly("name", "version", "sha256", "labels", "input"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a/b", "..", "a..b", ".hidden", "-x", "a b", "tab\\tname", "new\\nline", "", "ü", "a\\\\b"})
    void parse_unsafeName_refused(String name) {
        String json = """
                {"name": "%s", "version": "1", "sha256": "%s", "labels": ["a"], "input": {"width": 1, "height": 1}}
                """.formatted(name, SHA);
        assertThatThrownBy(() -> Manifest.parse(bytes(json)))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e ->
                        assertThat(e.problems()).extracting(Problem::path).containsExactly("name"));
    }

    @Test
    void parse_nameOf129Characters_refused() {
        String json = """
                {"name": "%s", "version": "1", "sha256": "%s", "labels": ["a"], "input": {"width": 1, "height": 1}}
                """.formatted("a".repeat(129), SHA);
        assertThatThrownBy(() -> Manifest.parse(bytes(json))).isInstanceOf(ManifestInvalidException.class);
    }

    @Test
    void isSafeName_plainNamesWithDotsDashesUnderscores_accepted() {
        assertThat(List.of("fruit-quality", "v1.2.3", "model_2", "A9")).allMatch(Manifest::isSafeName);
    }

    @Test
    void parse_invalidJson_reportsLineAndColumn() {
        assertThatThrownBy(() -> Manifest.parse(bytes("{\n  \"name\": \"m\",\n  \"version\": }")))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> {
                    assertThat(e.problems()).hasSize(1);
                    assertThat(e.problems().get(0).path()).isEqualTo("$");
                    assertThat(e.problems().get(0).message()).startsWith("not valid JSON at line 3, column");
                });
    }

    @Test
    void parse_duplicateKey_refused() {
        assertThatThrownBy(() -> Manifest.parse(bytes("{\"name\": \"a\", \"name\": \"b\"}")))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e ->
                        assertThat(e.getMessage()).contains("Duplicate field 'name'"));
    }

    @Test
    void parse_notAnObject_saysWhatWasFound() {
        assertThatThrownBy(() -> Manifest.parse(bytes("[1, 2]")))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e ->
                        assertThat(e.problems()).containsExactly(new Problem("$", "expected a JSON object, found an array")));
        assertThatThrownBy(() -> Manifest.parse(new byte[0]))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e ->
                        assertThat(e.problems().get(0).path()).isEqualTo("$"));
    }

    @Test
    void parse_wrongTypes_sayExpectedAndFound() {
        String json = """
                {"name": 5, "version": "1", "sha256": "%s", "labels": "ripe", "input": [], "output": 3}
                """.formatted(SHA);
        assertThatThrownBy(() -> Manifest.parse(bytes(json)))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("name", "expected a string, found a number"),
                        new Problem("labels", "expected an array of strings, found a string"),
                        new Problem("input", "expected an object, found an array"),
                        new Problem("output", "expected an object, found a number")));
    }

    @Test
    void parse_emptyLabelsAndOversizedInput_refused() {
        String json = """
                {"name": "m", "version": "1", "sha256": "%s", "labels": [], "input": {"width": 100000, "height": 2.5}}
                """.formatted(SHA);
        assertThatThrownBy(() -> Manifest.parse(bytes(json)))
                .isInstanceOfSatisfying(ManifestInvalidException.class, e -> assertThat(e.problems()).containsExactly(
                        new Problem("labels", "expected at least one label, found an empty array"),
                        new Problem("input.width", "expected an integer from 1 to 8192, found 100000"),
                        new Problem("input.height", "expected an integer from 1 to 8192, found 2.5")));
    }

    @Test
    void parse_controlCharacterInName_quotedVisiblyInMessage() {
        String json = """
                {"name": "bad\\u0007name", "version": "1", "sha256": "%s", "labels": ["a"], "input": {"width": 1, "height": 1}}
                """.formatted(SHA);
        assertThatThrownBy(() -> Manifest.parse(bytes(json)))
                .hasMessageContaining("\"bad\\u0007name\"");
    }

    @Test
    void toJson_parsedAgain_givesAnEqualManifest() {
        Manifest m = Manifest.parse(bytes(DESIGN_EXAMPLE));
        assertThat(Manifest.parse(m.toJson())).isEqualTo(m);
        Manifest minimal = Manifest.parse(bytes("""
                {"name": "m", "version": "1", "sha256": "%s", "labels": ["a"], "input": {"width": 8, "height": 6}}
                """.formatted(SHA)));
        assertThat(Manifest.parse(minimal.toJson())).isEqualTo(minimal);
    }

    @Test
    void withSha256_replacesOnlyTheDigest() {
        Manifest m = Manifest.parse(bytes(DESIGN_EXAMPLE));
        Manifest other = m.withSha256("B".repeat(64));
        assertThat(other.sha256()).isEqualTo("b".repeat(64));
        assertThat(other.withSha256(SHA)).isEqualTo(m);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
