package dev.verge.cloud.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.cloud.events.WebhookAuth.WebhookAuthException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WebhookAuthTest {
    private static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String GITHUB_VECTOR = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

    @Test
    void hubSignature_githubsPublishedTestVector_isAccepted() {
        assertThat(EventFixtures.hubSignature("It's a Secret to Everybody", HELLO)).isEqualTo(GITHUB_VECTOR);
        assertThatCode(() -> WebhookAuth.hubSignature(HELLO, Optional.of(GITHUB_VECTOR), List.of("It's a Secret to Everybody")))
                .doesNotThrowAnyException();
    }

    @Test
    void hubSignature_secondOfTwoSecrets_isAccepted() {
        assertThatCode(() -> WebhookAuth.hubSignature(HELLO, Optional.of(GITHUB_VECTOR.toUpperCase().replace("SHA256=", "sha256=")),
                List.of("new-secret", "It's a Secret to Everybody"))).doesNotThrowAnyException();
    }

    @Test
    void hubSignature_otherBodyMissingHeaderOrOtherFormat_isRefusedWithoutTheSecret() {
        List<String> secrets = List.of("It's a Secret to Everybody");
        assertThatThrownBy(() -> WebhookAuth.hubSignature("Hello, World?".getBytes(StandardCharsets.UTF_8), Optional.of(GITHUB_VECTOR), secrets))
                .isInstanceOf(WebhookAuthException.class).hasMessageNotContaining("Secret to Everybody");
        assertThatThrownBy(() -> WebhookAuth.hubSignature(HELLO, Optional.empty(), secrets)).isInstanceOf(WebhookAuthException.class);
        assertThatThrownBy(() -> WebhookAuth.hubSignature(HELLO, Optional.of(GITHUB_VECTOR.substring(7)), secrets))
                .isInstanceOf(WebhookAuthException.class);
        assertThatThrownBy(() -> WebhookAuth.hubSignature(HELLO, Optional.of(GITHUB_VECTOR), List.of()))
                .isInstanceOf(WebhookAuthException.class).hasMessageContaining("no secret is configured");
    }

    @Test
    void mlflowSignature_signedNow_isAcceptedAndStaleOrTamperedIsRefused() {
        Instant now = Instant.parse("2026-11-20T10:00:00Z");
        String ts = Long.toString(now.getEpochSecond());
        String sig = EventFixtures.mlflowSignature("s3cret", "d-1", ts, HELLO);
        List<String> secrets = List.of("s3cret");
        Duration maxAge = Duration.ofMinutes(5);

        assertThatCode(() -> WebhookAuth.mlflowSignature(HELLO, Optional.of("d-1"), Optional.of(ts), Optional.of(sig), secrets,
                now.plusSeconds(60), maxAge)).doesNotThrowAnyException();
        assertThatThrownBy(() -> WebhookAuth.mlflowSignature(HELLO, Optional.of("d-1"), Optional.of(ts), Optional.of(sig), secrets,
                now.plusSeconds(301), maxAge)).isInstanceOf(WebhookAuthException.class).hasMessageContaining("replayed");
        assertThatThrownBy(() -> WebhookAuth.mlflowSignature(HELLO, Optional.of("d-2"), Optional.of(ts), Optional.of(sig), secrets,
                now, maxAge)).isInstanceOf(WebhookAuthException.class);
        assertThatThrownBy(() -> WebhookAuth.mlflowSignature(HELLO, Optional.of("d-1"), Optional.of("yesterday"), Optional.of(sig),
                secrets, now, maxAge)).isInstanceOf(WebhookAuthException.class);
        assertThatThrownBy(() -> WebhookAuth.mlflowSignature(HELLO, Optional.of("d-1"), Optional.of(ts), Optional.of("v1,!!!"),
                secrets, now, maxAge)).isInstanceOf(WebhookAuthException.class);
    }

    @Test
    void sharedSecret_rightWrongOrMissing_acceptsOnlyTheRightOne() {
        assertThatCode(() -> WebhookAuth.sharedSecret(Optional.of("abc"), List.of("xyz", "abc"), "header X")).doesNotThrowAnyException();
        assertThatThrownBy(() -> WebhookAuth.sharedSecret(Optional.of("abd"), List.of("abc"), "header X"))
                .isInstanceOf(WebhookAuthException.class).hasMessageNotContaining("abd").hasMessageNotContaining("abc");
        assertThatThrownBy(() -> WebhookAuth.sharedSecret(Optional.empty(), List.of("abc"), "header X"))
                .isInstanceOf(WebhookAuthException.class).hasMessageContaining("header X");
    }

    @Test
    void timestampedHubSignature_skewBothWaysAndWhatItCovers() {
        byte[] body = "{\"type\": \"alias.set\"}".getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        long ts = now.getEpochSecond();
        List<String> secrets = List.of("s1");
        Duration maxAge = Duration.ofMinutes(5);

        assertThatCode(() -> WebhookAuth.timestampedHubSignature(body, Long.toString(ts - 300),
                Optional.of(EventFixtures.timestampedSignature("s1", ts - 300, body)), secrets, now, maxAge)).doesNotThrowAnyException();
        assertThatCode(() -> WebhookAuth.timestampedHubSignature(body, Long.toString(ts + 300),
                Optional.of(EventFixtures.timestampedSignature("s1", ts + 300, body)), secrets, now, maxAge)).doesNotThrowAnyException();
        assertThatThrownBy(() -> WebhookAuth.timestampedHubSignature(body, Long.toString(ts - 301),
                Optional.of(EventFixtures.timestampedSignature("s1", ts - 301, body)), secrets, now, maxAge))
                .isInstanceOf(WebhookAuthException.class).hasMessageContaining("301 s");
        assertThatThrownBy(() -> WebhookAuth.timestampedHubSignature(body, Long.toString(ts + 301),
                Optional.of(EventFixtures.timestampedSignature("s1", ts + 301, body)), secrets, now, maxAge))
                .isInstanceOf(WebhookAuthException.class);
        // a fresh timestamp does not revive a signature made for another one
        assertThatThrownBy(() -> WebhookAuth.timestampedHubSignature(body, Long.toString(ts),
                Optional.of(EventFixtures.timestampedSignature("s1", ts - 600, body)), secrets, now, maxAge))
                .isInstanceOf(WebhookAuthException.class).hasMessageContaining("<X-Verge-Timestamp>.<body>");
        assertThatThrownBy(() -> WebhookAuth.timestampedHubSignature(body, "yesterday",
                Optional.of(EventFixtures.timestampedSignature("s1", ts, body)), secrets, now, maxAge))
                .hasMessageContaining("Unix seconds");
    }
}
