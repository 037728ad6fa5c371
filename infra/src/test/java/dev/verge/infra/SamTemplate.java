package dev.verge.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** infra/aws/template.yaml as a tree (it uses the long form of intrinsics, so plain YAML reads it). */
final class SamTemplate {
    static final String FUNCTION = "AWS::Serverless::Function";

    final Path file;
    final JsonNode root;

    private SamTemplate(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    static SamTemplate load() {
        Path file = Repository.infra().resolve("aws/template.yaml");
        try {
            return new SamTemplate(file, new YAMLMapper().readTree(file.toFile()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode resources() {
        return root.path("Resources");
    }

    Map<String, JsonNode> resourcesOfType(String type) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        resources().properties().forEach(e -> {
            if (type.equals(e.getValue().path("Type").asText())) {
                found.put(e.getKey(), e.getValue());
            }
        });
        return found;
    }

    Map<String, JsonNode> functions() {
        return resourcesOfType(FUNCTION);
    }

    /** A function's property, or the Globals' when the function does not set it. */
    JsonNode property(JsonNode function, String name) {
        JsonNode own = function.path("Properties").path(name);
        return own.isMissingNode() ? root.path("Globals").path("Function").path(name) : own;
    }

    /** A function's environment: the Globals' variables, overridden by its own. */
    Map<String, JsonNode> environment(JsonNode function) {
        Map<String, JsonNode> env = new LinkedHashMap<>();
        root.path("Globals").path("Function").path("Environment").path("Variables").properties()
                .forEach(e -> env.put(e.getKey(), e.getValue()));
        function.path("Properties").path("Environment").path("Variables").properties()
                .forEach(e -> env.put(e.getKey(), e.getValue()));
        return env;
    }

    /** The resource a {@code {"Ref": X}} or {@code {"Fn::GetAtt": [X, ...]}} node names, or null. */
    static String referencedResource(JsonNode node) {
        if (node.has("Ref")) {
            return node.get("Ref").asText();
        }
        if (node.has("Fn::GetAtt")) {
            return node.get("Fn::GetAtt").get(0).asText();
        }
        return null;
    }

    static ObjectNode object(JsonNode node) {
        return (ObjectNode) node;
    }
}
