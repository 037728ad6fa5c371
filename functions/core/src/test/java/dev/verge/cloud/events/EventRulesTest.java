package dev.verge.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.registry.Stage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventRulesTest {
    private static final String RULES = """
            {"repositories": [
               {"source": "acr", "repository": "verge/*", "model": "edge-{name}", "versionTags": "release-(.+)",
                "promote": {"live": "production"}},
               {"source": "mlflow", "repository": "fruit-quality", "promote": {"champion": "production", "challenger": "staging"}}],
             "blobs": [{"store": "verge-models-*", "prefix": "models/"}]}
            """;

    @Test
    void parse_document_firstMatchingRuleNamesModelVersionAndStage() {
        EventRules rules = EventRules.parse(RULES);

        EventRules.RepositoryRule acr = rules.repositoryRule(EventSource.ACR, "verge/fruit-quality").orElseThrow();
        assertThat(acr.modelFor("verge/fruit-quality")).hasValue("edge-fruit-quality");
        assertThat(acr.versionOf("release-4.2")).hasValue("4.2");
        assertThat(acr.versionOf("4")).isEmpty();
        assertThat(acr.promotionOf("live")).hasValue(Stage.PRODUCTION);
        assertThat(acr.promotionOf("prod")).isEmpty();
        assertThat(rules.repositoryRule(EventSource.ACR, "other/fruit-quality")).isEmpty();
        assertThat(rules.repositoryRule(EventSource.MLFLOW, "fruit-quality").orElseThrow().promotionOf("challenger")).hasValue(Stage.STAGING);
        assertThat(rules.blobRule("verge-models-123456789012", "models/a.zip")).isPresent();
        assertThat(rules.blobRule("other-bucket", "models/a.zip")).isEmpty();
        assertThat(rules.blobRule("verge-models-1", "uploads/a.zip")).isEmpty();
    }

    @Test
    void defaults_everySourceRegistersNumericTagsButNothingPromotesOrArchives() {
        for (EventSource source : EventSource.values()) {
            EventRules.RepositoryRule rule = EventRules.defaults().repositoryRule(source, "acme/fruit-quality").orElseThrow();

            assertThat(rule.modelFor("acme/fruit-quality")).hasValue("fruit-quality");
            assertThat(rule.versionOf("v3.1")).hasValue("3.1");
            assertThat(rule.versionOf("latest")).isEmpty();
            assertThat(rule.promotionOf("prod")).as(source.json()).isEmpty();
            assertThat(rule.archive()).as(source.json()).isFalse();
        }
    }

    @Test
    void rule_appliesOnlyToTheSourcesItNames() {
        EventRules rules = EventRules.parse("""
                {"repositories": [{"sources": ["github", "generic"], "repository": "acme-farms/*"},
                                  {"source": "acr", "repository": "acme-farms/*", "promote": {}}]}
                """);

        assertThat(rules.repositoryRule(EventSource.GITHUB, "acme-farms/fq-img").orElseThrow().promotionOf("prod"))
                .hasValue(Stage.PRODUCTION);
        assertThat(rules.repositoryRule(EventSource.GENERIC, "acme-farms/fq-img")).isPresent();
        assertThat(rules.repositoryRule(EventSource.ACR, "acme-farms/fq-img").orElseThrow().promotionOf("prod")).isEmpty();
        assertThat(rules.repositoryRule(EventSource.DOCKERHUB, "acme-farms/fq-img")).isEmpty();
        assertThat(rules.repositoryRule(EventSource.EVENTGRID, "acme-farms/fq-img")).isEmpty();
    }

    @Test
    void parse_ruleWithoutSourceOrWithAGlob_failsSayingWhatToAdd() {
        assertThatThrownBy(() -> EventRules.parse("{\"repositories\": [{\"repository\": \"verge/*\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no source").hasMessageContaining("\"source\"");
        assertThatThrownBy(() -> EventRules.parse("{\"repositories\": [{\"source\": \"*\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("globs are not accepted");
        assertThatThrownBy(() -> EventRules.parse("{\"repositories\": [{\"sources\": [\"acr\", \"quay\"]}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quay");
    }

    @Test
    void fromEnv_pathToFileAndSecrets_areRead(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("rules.json"), RULES);

        EventsConfig config = EventsConfig.fromEnv(Map.of(EventsConfig.RULES_VARIABLE, file.toString(),
                "VERGE_WEBHOOK_SECRET_ACR", "new, old", EventsConfig.MAX_AGE_VARIABLE, "60"));

        assertThat(config.rules().repositories()).hasSize(2);
        assertThat(config.secretsOf(EventSource.ACR)).containsExactly("new", "old");
        assertThat(config.secretsOf(EventSource.MLFLOW)).isEmpty();
        assertThat(config.maxSignatureAge().toSeconds()).isEqualTo(60);
        assertThat(config.toString()).doesNotContain("new").doesNotContain("old");
        assertThat(EventsConfig.VARIABLES).contains("VERGE_WEBHOOK_SECRET_DOCKERHUB", "VERGE_EVENT_RULES");
    }

    @Test
    void parse_invalidDocumentRegexOrStage_failsNamingTheProblem() {
        assertThatThrownBy(() -> EventRules.parse("{\"repositories\": ["))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("VERGE_EVENT_RULES");
        assertThatThrownBy(() -> EventRules.parse("{\"repositories\": [{\"source\": \"acr\", \"versionTags\": \"(\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("regular expression");
        assertThatThrownBy(() -> EventRules.parse("{\"repositories\": [{\"source\": \"acr\", \"promote\": {\"prod\": \"heaven\"}}]}"))
                .hasMessageContaining("stage");
    }
}
