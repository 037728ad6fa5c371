package dev.verge.cloud.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One function of infra/aws/template.yaml as {@code sam local invoke} would run it: its handler, and its
 * environment (Globals plus its own) with every reference to a template resource (Ref, Fn::GetAtt, a
 * Secrets Manager dynamic reference, a name built with Fn::Sub) replaced by the local stand-in for it, every
 * reference to a parameter by the parameter's default (or its stand-in), and Fn::If decided on those.
 */
record SamFunction(String logicalId, String handler, Map<String, String> environment) {
    private static final Pattern SECRET = Pattern.compile("\\{\\{resolve:secretsmanager:\\$\\{(\\w+)}[^}]*}}");

    static Path template() {
        return Path.of(System.getProperty("verge.root", "../..")).resolve("infra/aws/template.yaml");
    }

    /** {@code locals}: template logical id (resource) -> what stands in for it here (bucket name, table name, secret value). */
    static SamFunction load(String logicalId, Map<String, String> locals) throws IOException {
        JsonNode root = new YAMLMapper().readTree(template().toFile());
        JsonNode function = root.path("Resources").path(logicalId);
        if (!"AWS::Serverless::Function".equals(function.path("Type").asText())) {
            throw new IllegalArgumentException(logicalId + " is no AWS::Serverless::Function of " + template());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode variables : new JsonNode[] {
                root.at("/Globals/Function/Environment/Variables"), function.at("/Properties/Environment/Variables")}) {
            variables.properties().forEach(e -> env.put(e.getKey(), resolve(root, e.getKey(), e.getValue(), locals)));
        }
        return new SamFunction(logicalId, function.at("/Properties/Handler").asText(), env);
    }

    private static String resolve(JsonNode root, String variable, JsonNode value, Map<String, String> locals) {
        if (value.isValueNode()) {
            return value.asText();
        }
        if (value.has("Fn::If")) {
            JsonNode branches = value.get("Fn::If");
            boolean holds = condition(root, root.path("Conditions").path(branches.get(0).asText()), locals);
            return resolve(root, variable, branches.get(holds ? 1 : 2), locals);
        }
        String resource = null;
        if (value.has("Ref")) {
            resource = value.get("Ref").asText();
            JsonNode parameter = root.path("Parameters").path(resource);
            if (parameter.has("Default") && !locals.containsKey(resource)) {
                return parameter.get("Default").asText();
            }
        } else if (value.has("Fn::GetAtt")) {
            resource = value.get("Fn::GetAtt").get(0).asText();
        } else if (value.has("Fn::Sub")) {
            Matcher secret = SECRET.matcher(value.get("Fn::Sub").asText());
            resource = secret.matches() ? secret.group(1) : resourceNamedBy(root, value);
            if (resource == null) {
                return substitute(root, value.get("Fn::Sub").asText(), locals);
            }
        }
        if (resource == null || !locals.containsKey(resource)) {
            throw new IllegalStateException("no local stand-in for " + variable + " = " + value + " (resource " + resource + ")");
        }
        return locals.get(resource);
    }

    /** A condition of the template (Fn::Not, Fn::Equals over Refs and strings), with parameters at their defaults. */
    private static boolean condition(JsonNode root, JsonNode condition, Map<String, String> locals) {
        if (condition.has("Fn::Not")) {
            return !condition(root, condition.get("Fn::Not").get(0), locals);
        }
        if (condition.has("Fn::Equals")) {
            JsonNode pair = condition.get("Fn::Equals");
            return operand(root, pair.get(0), locals).equals(operand(root, pair.get(1), locals));
        }
        throw new IllegalStateException("no local evaluation of the condition " + condition);
    }

    private static String operand(JsonNode root, JsonNode node, Map<String, String> locals) {
        return node.has("Ref") ? parameter(root, node.get("Ref").asText(), locals) : node.asText();
    }

    private static String parameter(JsonNode root, String name, Map<String, String> locals) {
        if (locals.containsKey(name)) {
            return locals.get(name);
        }
        JsonNode parameter = root.path("Parameters").path(name);
        if (!parameter.has("Default")) {
            throw new IllegalStateException("no local stand-in for parameter " + name + ", which has no default");
        }
        return parameter.get("Default").asText();
    }

    /**
     * Fn::Sub text with parameters (and pseudo parameters such as AWS::Region, from {@code locals}) filled in. A part
     * that is exactly the Fn::Sub naming a resource with a stand-in (the rules naming the models bucket) is that
     * stand-in, as CloudFormation makes the same name of the same expression.
     */
    private static String substitute(JsonNode root, String text, Map<String, String> locals) {
        for (var resource : root.path("Resources").properties()) {
            if (locals.containsKey(resource.getKey())) {
                for (var property : resource.getValue().path("Properties").properties()) {
                    String name = property.getValue().path("Fn::Sub").asText("");
                    if (!name.isEmpty()) {
                        text = text.replace(name, locals.get(resource.getKey()));
                    }
                }
            }
        }
        return Pattern.compile("\\$\\{([\\w:]+)}").matcher(text).replaceAll(m -> Matcher.quoteReplacement(parameter(root, m.group(1), locals)));
    }

    /** The resource one of whose properties is exactly this expression (e.g. the bucket whose BucketName it is). */
    private static String resourceNamedBy(JsonNode root, JsonNode expression) {
        for (var resource : root.path("Resources").properties()) {
            for (var property : resource.getValue().path("Properties").properties()) {
                if (property.getValue().equals(expression)) {
                    return resource.getKey();
                }
            }
        }
        return null;
    }
}
