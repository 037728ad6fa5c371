package dev.verge.cloud.rollout;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * How the cloud speaks to agents about what they run.
 *
 * @param nextSigningKey     the public key (Base64 X.509 or PEM) the cloud will sign with after a key rotation:
 *                           announced in every statement, so agents trust it before it signs anything
 *                           ({@code VERGE_NEXT_SIGNING_PUBKEY}; not a secret). The previous key co-signs after the
 *                           switch when {@code VERGE_SIGNING_KEY} holds it after the new one ({@link SigningKeys})
 * @param statementLifetime  how long a signed desired state stays good for installing something new; every poll
 *                           gets a fresh one ({@code VERGE_DESIRED_STATE_LIFETIME_SECONDS}, default one day)
 * @param legacyAgents       whether agents that speak protocol 1 (no {@code X-Verge-Protocol} header: an unsigned
 *                           answer naming signed packages) are still served while a fleet upgrades
 *                           ({@code VERGE_LEGACY_AGENTS}: {@code serve}, the default, or {@code refuse}: 426)
 */
public record DeviceProtocolConfig(String nextSigningKey, Duration statementLifetime, boolean legacyAgents) {
    public static final Duration DEFAULT_STATEMENT_LIFETIME = Duration.ofDays(1);

    public DeviceProtocolConfig {
        nextSigningKey = blankToNull(nextSigningKey);
        statementLifetime = statementLifetime == null ? DEFAULT_STATEMENT_LIFETIME : statementLifetime;
        if (statementLifetime.toSeconds() < 60) {
            throw new IllegalArgumentException("expected a desired-state lifetime of 60 seconds or more (longer than the"
                    + " agents' poll interval), found " + statementLifetime.toSeconds() + " s");
        }
    }

    public static DeviceProtocolConfig defaults() {
        return new DeviceProtocolConfig(null, null, true);
    }

    public static DeviceProtocolConfig fromEnv(Map<String, String> env) {
        String lifetime = blankToNull(env.get("VERGE_DESIRED_STATE_LIFETIME_SECONDS"));
        Duration statementLifetime;
        try {
            statementLifetime = lifetime == null ? null : Duration.ofSeconds(Long.parseLong(lifetime));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected VERGE_DESIRED_STATE_LIFETIME_SECONDS as a whole number of seconds,"
                    + " found \"" + lifetime + "\"");
        }
        String legacy = env.getOrDefault("VERGE_LEGACY_AGENTS", "serve").strip().toLowerCase(Locale.ROOT);
        if (!legacy.equals("serve") && !legacy.equals("refuse")) {
            throw new IllegalArgumentException("expected VERGE_LEGACY_AGENTS as serve or refuse, found \"" + legacy + "\"");
        }
        return new DeviceProtocolConfig(env.get("VERGE_NEXT_SIGNING_PUBKEY"), statementLifetime, legacy.equals("serve"));
    }

    public DeviceProtocolConfig withLegacyAgents(boolean serve) {
        return new DeviceProtocolConfig(nextSigningKey, statementLifetime, serve);
    }

    public DeviceProtocolConfig withNextSigningKey(String publicKey) {
        return new DeviceProtocolConfig(publicKey, statementLifetime, legacyAgents);
    }

    public DeviceProtocolConfig withStatementLifetime(Duration lifetime) {
        return new DeviceProtocolConfig(nextSigningKey, lifetime, legacyAgents);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }

    @Override
    public String toString() {
        return "DeviceProtocolConfig[nextSigningKey=" + (nextSigningKey == null ? "none" : "set")
                + ", statementLifetime=" + statementLifetime
                + ", legacyAgents=" + (legacyAgents ? "serve" : "refuse") + "]";
    }
}
