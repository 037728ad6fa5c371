package dev.verge.cloud.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.registry.ModelNames;
import dev.verge.cloud.registry.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which events the registry acts on, as configuration ({@code VERGE_EVENT_RULES}: the JSON document
 * itself, or the path of a file holding it). The first rule that matches wins:
 * <pre>{@code
 * {"repositories": [
 *    {"sources": ["acr", "eventgrid"], "repository": "verge/*", "model": "{name}",
 *     "versionTags": "v?([0-9]+(\\.[0-9]+)*)", "promote": {"prod": "production", "staging": "staging"}},
 *    {"source": "mlflow", "repository": "fruit-quality", "model": "fruit-quality", "promote": {"champion": "production"}}],
 *  "blobs": [{"store": "verge-models-*", "prefix": "models/"}]}
 * }</pre>
 * <ul>
 * <li>{@code repositories}: pushed tags, published versions and aliases. A rule applies only to the
 *     sources it names: {@code source} (one of {@code acr, dockerhub, huggingface, mlflow, github, generic,
 *     eventgrid, eventbridge}) or {@code sources} (a list of them) is required, so one source's secret never
 *     acts on the repositories another source owns. {@code repository} is a glob ({@code *} any text, also
 *     across '/'; default {@code *}); the
 *     repository is the image repository, the Hugging Face repo or the MLflow / Azure ML model name.
 *     {@code model} names the Verge model ({@code {name}}, the default, is the repository's last path
 *     segment). A tag that {@code versionTags} matches registers that version (its first group, else
 *     the whole tag); a tag, alias or stage in {@code promote} moves the version with the same digest
 *     to that stage. Other tags are ignored with the reason. {@code archive} (default true) lets a deleted
 *     artifact archive its version.</li>
 * <li>{@code blobs}: packages dropped into a bucket or container; {@code store} is a glob of the bucket
 *     or container, {@code prefix} the key prefix (default {@code models/}). Matching objects are
 *     validated and registered from their manifest, as an upload through the API.</li>
 * </ul>
 * Without {@code VERGE_EVENT_RULES}: every source may register versions (numeric tags, any repository),
 * but nothing is promoted or archived by an event; blobs under {@code models/} in any store register.
 */
public record EventRules(List<RepositoryRule> repositories, List<BlobRule> blobs) {

    static final String DEFAULT_VERSION_TAGS = "v?([0-9]+(?:\\.[0-9]+)*)";
    static final List<String> SOURCE_NAMES = java.util.Arrays.stream(EventSource.values()).map(EventSource::json).toList();
    static final Map<String, String> DEFAULT_PROMOTE = Map.of("prod", "production", "production", "production",
            "staging", "staging");

    public EventRules {
        repositories = repositories == null ? List.of() : List.copyOf(repositories);
        blobs = blobs == null ? List.of() : List.copyOf(blobs);
    }

    /** Registration only: every source may register versions, none promotes or archives. */
    public static EventRules defaults() {
        return new EventRules(List.of(new RepositoryRule(null, SOURCE_NAMES, null, null, null, Map.of(), false)),
                List.of(new BlobRule(null, null)));
    }

    /** Reads a rules document: JSON text, or (when it does not start with '{') the path of a JSON file. */
    public static EventRules parse(String jsonOrPath) {
        String text = jsonOrPath.strip();
        try {
            if (!text.startsWith("{")) {
                text = Files.readString(Path.of(text));
            }
            ObjectMapper mapper = CloudJson.mapper();
            EventRules rules = mapper.readValue(text, EventRules.class);
            rules.repositories().forEach(RepositoryRule::check);
            return rules;
        } catch (IOException e) {
            throw new IllegalArgumentException("expected VERGE_EVENT_RULES to be a JSON rules document or the path of one"
                    + " ({\"repositories\": [...], \"blobs\": [...]}), found one that cannot be read: " + e.getMessage(), e);
        }
    }

    public Optional<RepositoryRule> repositoryRule(EventSource source, String repository) {
        return repositories.stream().filter(r -> r.matches(source, repository)).findFirst();
    }

    public Optional<BlobRule> blobRule(String store, String key) {
        return blobs.stream().filter(r -> r.matches(store, key)).findFirst();
    }

    /**
     * One rule for repositories; null fields take the defaults, except the sources: a rule names them.
     *
     * @param source  one source the rule applies to
     * @param sources several; the rule applies to {@code source} and every one of {@code sources}
     * @param promote tag, alias or stage name -> Verge stage ({@code production}, {@code staging}, ...)
     * @param archive whether a deleted artifact archives its version (default true)
     */
    public record RepositoryRule(String source, List<String> sources, String repository, String model, String versionTags,
                                 Map<String, String> promote, Boolean archive) {

        public RepositoryRule {
            source = source == null || source.isBlank() ? null : source.strip();
            sources = sources == null ? List.of() : sources.stream().filter(s -> s != null && !s.isBlank()).map(String::strip).toList();
            archive = archive == null || archive;
            repository = repository == null || repository.isBlank() ? "*" : repository.strip();
            model = model == null || model.isBlank() ? "{name}" : model.strip();
            versionTags = versionTags == null || versionTags.isBlank() ? DEFAULT_VERSION_TAGS : versionTags;
            promote = promote == null ? DEFAULT_PROMOTE : Map.copyOf(new LinkedHashMap<>(promote));
        }

        /** The sources this rule applies to. */
        public List<EventSource> named() {
            return names().stream().map(EventSource::parse).flatMap(Optional::stream).distinct().toList();
        }

        private List<String> names() {
            List<String> names = new java.util.ArrayList<>(sources);
            if (source != null) {
                names.add(source);
            }
            return names;
        }

        void check() {
            List<String> names = names();
            if (names.isEmpty()) {
                throw new IllegalArgumentException("the rule for repository " + repository + " names no source: add \"source\": \"<one of "
                        + SOURCE_NAMES + ">\" or \"sources\": [...]; a rule applies only to the sources it names");
            }
            for (String name : names) {
                if (EventSource.parse(name).isEmpty()) {
                    throw new IllegalArgumentException("the rule for repository " + repository + " names source \"" + name
                            + "\": expected one of " + SOURCE_NAMES + " (globs are not accepted)");
                }
            }
            try {
                Pattern.compile(versionTags);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("versionTags of the rule for " + repository + " is not a regular expression: "
                        + e.getDescription());
            }
            promote.values().forEach(Stage::parse);
        }

        boolean matches(EventSource from, String repo) {
            return named().contains(from) && glob(repository, repo, false);
        }

        /** The Verge model name for {@code repo}, if it makes a valid one. */
        public Optional<String> modelFor(String repo) {
            String last = repo.substring(repo.lastIndexOf('/') + 1);
            String name = model.replace("{name}", last);
            return ModelNames.isValidName(name) ? Optional.of(name) : Optional.empty();
        }

        /** The version a tag names, when it is a version tag. */
        public Optional<String> versionOf(String tag) {
            Matcher m = Pattern.compile(versionTags).matcher(tag);
            if (!m.matches()) {
                return Optional.empty();
            }
            String version = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : tag;
            return ModelNames.isValidVersion(version) ? Optional.of(version) : Optional.empty();
        }

        /** The stage a tag, alias or stage name promotes to. */
        public Optional<Stage> promotionOf(String tag) {
            return promote.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(tag))
                    .map(e -> Stage.parse(e.getValue()))
                    .findFirst();
        }
    }

    /** One rule for blobs; null fields take the defaults (any store, prefix {@code models/}). */
    public record BlobRule(String store, String prefix) {
        public BlobRule {
            store = store == null || store.isBlank() ? "*" : store.strip();
            prefix = prefix == null ? "models/" : prefix;
        }

        boolean matches(String storeName, String key) {
            return glob(store, storeName, false) && key.startsWith(prefix);
        }
    }

    /** '*' matches any text (also '/'), '?' one character; the rest is literal. */
    static boolean glob(String pattern, String text, boolean ignoreCase) {
        if (text == null) {
            return false;
        }
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        int flags = ignoreCase ? Pattern.CASE_INSENSITIVE : 0;
        return Pattern.compile(regex.toString(), flags | Pattern.DOTALL).matcher(ignoreCase ? text.toLowerCase(Locale.ROOT) : text).matches();
    }
}
