package dev.verge.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * infra/azure/main.bicep read with small regular expressions: no Bicep compiler is available to the build
 * (the CLI ships on NuGet and as a native download, neither of which this build reaches), so the tests
 * read the few things they check (resource types, the app settings object, parameters, function targets
 * of Event Grid subscriptions) from the text, relying on the layout main.bicep keeps.
 */
final class BicepFile {
    private static final Pattern RESOURCE = Pattern.compile("(?m)^resource (\\w+) '([^'@]+)@([^']+)'");
    private static final Pattern PARAM = Pattern.compile("(?m)^param (\\w+) (\\w+)( = .*)?$");
    private static final Pattern SETTING = Pattern.compile("^\\s+'?([\\w.]+)'?:\\s*(.+?)\\s*$");
    private static final Pattern FUNCTION_TARGET = Pattern.compile("resourceId: '\\$\\{functionApp\\.id}/functions/(\\w+)'");

    record Param(String name, String type, boolean hasDefault, boolean secure) {}

    final Path file;
    final String text;

    private BicepFile(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    static BicepFile load() {
        Path file = Repository.infra().resolve("azure/main.bicep");
        try {
            return new BicepFile(file, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Symbolic name -> resource type. */
    Map<String, String> resources() {
        Map<String, String> found = new LinkedHashMap<>();
        Matcher m = RESOURCE.matcher(text);
        while (m.find()) {
            found.put(m.group(1), m.group(2));
        }
        return found;
    }

    Set<String> resourceTypes() {
        return new TreeSet<>(resources().values());
    }

    /** The body of one top-level resource declaration (up to the closing brace at the start of a line). */
    String resourceBody(String symbolicName) {
        int start = text.indexOf("\nresource " + symbolicName + " ");
        if (start < 0) {
            throw new AssertionError("no resource " + symbolicName + " in " + file);
        }
        int end = text.indexOf("\n}", start);
        return text.substring(start, end + 2);
    }

    /** The {@code var appSettings = { NAME: value ... }} object: setting name -> Bicep expression of its value. */
    Map<String, String> appSettings() {
        int start = text.indexOf("\nvar appSettings = {");
        if (start < 0) {
            throw new AssertionError("main.bicep keeps the app settings in `var appSettings = {`");
        }
        int end = text.indexOf("\n}", start);
        Map<String, String> settings = new LinkedHashMap<>();
        for (String line : text.substring(start + 1, end).lines().skip(1).toList()) {
            if (line.strip().startsWith("//") || line.isBlank()) {
                continue;
            }
            Matcher m = SETTING.matcher(line);
            if (!m.matches()) {
                throw new AssertionError("unexpected line in appSettings (one NAME: value per line): " + line);
            }
            settings.put(m.group(1), m.group(2));
        }
        return settings;
    }

    /** The value of {@code var name = 'text'}. */
    String stringVariable(String name) {
        Matcher m = Pattern.compile("(?m)^var " + Pattern.quote(name) + " = '([^']*)'$").matcher(text);
        if (!m.find()) {
            throw new AssertionError("no string variable " + name + " in " + file);
        }
        return m.group(1);
    }

    List<Param> params() {
        List<String> lines = text.lines().toList();
        List<Param> params = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = PARAM.matcher(lines.get(i));
            if (m.matches()) {
                boolean secure = false;
                for (int j = i - 1; j >= 0 && lines.get(j).startsWith("@"); j--) {
                    secure |= lines.get(j).startsWith("@secure()");
                }
                params.add(new Param(m.group(1), m.group(2), m.group(3) != null, secure));
            }
        }
        return params;
    }

    /** Functions that Event Grid subscriptions deliver to ({@code ${functionApp.id}/functions/<name>}). */
    Set<String> eventGridFunctionTargets() {
        Set<String> names = new TreeSet<>();
        Matcher m = FUNCTION_TARGET.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
