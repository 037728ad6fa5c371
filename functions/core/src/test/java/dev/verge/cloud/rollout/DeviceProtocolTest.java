package dev.verge.cloud.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verge.cloud.CloudConfig;
import dev.verge.cloud.CloudServices;
import dev.verge.cloud.api.ApiRequest;
import dev.verge.cloud.api.ApiResponse;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.devices.DeviceCredentials;
import dev.verge.cloud.testing.InMemoryBlobStore;
import dev.verge.cloud.testing.InMemoryMetadataStore;
import dev.verge.cloud.testing.TestClock;
import dev.verge.inference.pkg.StatementSignature;
import dev.verge.wire.DeviceHeaders;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.SignedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The device protocol's settings: protocol-1 agents served or refused, the statement's lifetime, key rotation. */
class DeviceProtocolTest {
    private static final String KEY = "device-protocol-test-key-0123456789";
    private final TestClock clock = new TestClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final PackageSigner current = PackageSigner.generate();

    private CloudServices cloud(DeviceProtocolConfig protocol) {
        return CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), clock,
                CloudConfig.withApiKeys(KEY).withSigningKey(current.privateKeyBase64()).withDeviceProtocol(protocol));
    }

    private static ApiResponse desired(CloudServices cloud, DeviceCredentials device, String protocol) {
        Map<String, List<String>> headers = new HashMap<>(Map.of(DeviceHeaders.DEVICE_ID, List.of(device.id()),
                DeviceHeaders.DEVICE_KEY, List.of(device.primaryKey())));
        if (protocol != null) {
            headers.put(DeviceHeaders.PROTOCOL, List.of(protocol));
        }
        return cloud.api().handle(ApiRequest.of("GET", "/api/devices/" + device.id() + "/desired", headers, null));
    }

    private static SignedStatement signed(ApiResponse response) throws Exception {
        assertThat(response.status()).as(new String(response.bodyBytes())).isEqualTo(200);
        return CloudJson.mapper().readValue(response.bodyBytes(), SignedStatement.class);
    }

    private static DesiredStatement statement(SignedStatement signed) throws Exception {
        return CloudJson.mapper().readValue(Base64.getDecoder().decode(signed.statement()), DesiredStatement.class);
    }

    @Test
    void legacyAgent_whileServed_getsTheUnsignedAnswer() throws Exception {
        CloudServices cloud = cloud(DeviceProtocolConfig.defaults());
        DeviceCredentials device = cloud.devices().create("cam-1", "line-1");

        JsonNode answer = CloudJson.mapper().readTree(desired(cloud, device, null).bodyBytes());

        assertThat(answer.path("deviceId").asText()).isEqualTo("cam-1");
        assertThat(answer.has("statement")).isFalse();
    }

    @Test
    void legacyAgent_onceRefused_426WithWhatToDo() throws Exception {
        CloudServices cloud = cloud(DeviceProtocolConfig.defaults().withLegacyAgents(false));
        DeviceCredentials device = cloud.devices().create("cam-1", "line-1");

        ApiResponse response = desired(cloud, device, null);

        assertThat(response.status()).isEqualTo(426);
        JsonNode body = CloudJson.mapper().readTree(response.bodyBytes());
        assertThat(body.path("error").asText()).isEqualTo("agent_upgrade_required");
        assertThat(body.path("message").asText()).contains(DeviceHeaders.PROTOCOL).contains("upgrade the agent");
        assertThat(statement(signed(desired(cloud, device, "2"))).deviceId()).isEqualTo("cam-1");
    }

    @Test
    void statement_lifetime_setsExpiresAt() throws Exception {
        CloudServices cloud = cloud(DeviceProtocolConfig.defaults().withStatementLifetime(Duration.ofHours(6)));
        DeviceCredentials device = cloud.devices().create("cam-1", "line-1");

        DesiredStatement s = statement(signed(desired(cloud, device, "2")));

        assertThat(Instant.parse(s.issuedAt())).isEqualTo(clock.instant());
        assertThat(Instant.parse(s.expiresAt())).isEqualTo(clock.instant().plus(Duration.ofHours(6)));
    }

    @Test
    void revision_nothingChanged_staysTheSame_andAfterTheCloudLostItsDataItIsStillHigher() throws Exception {
        CloudServices cloud = cloud(DeviceProtocolConfig.defaults());
        DeviceCredentials device = cloud.devices().create("cam-1", "line-1");
        long first = statement(signed(desired(cloud, device, "2"))).revision();
        clock.advance(Duration.ofSeconds(30));
        assertThat(statement(signed(desired(cloud, device, "2"))).revision()).isEqualTo(first);

        CloudServices restored = cloud(DeviceProtocolConfig.defaults()); // empty stores: the device registered again
        DeviceCredentials again = restored.devices().create("cam-1", "line-1");

        assertThat(statement(signed(desired(restored, again, "2"))).revision()).isGreaterThan(first);
    }

    @Test
    void rotation_announceThenSwitch_nextKeyAnnouncedThenCoSignedByThePreviousKey() throws Exception {
        PackageSigner next = PackageSigner.generate();
        CloudServices announcing = cloud(DeviceProtocolConfig.defaults().withNextSigningKey(next.publicKeyPem()));
        DeviceCredentials device = announcing.devices().create("cam-1", "line-1");

        SignedStatement announced = signed(desired(announcing, device, "2"));

        assertThat(statement(announced).keys()).extracting(DesiredStatement.SigningKey::publicKey)
                .containsExactly(current.publicKeyBase64(), next.publicKeyBase64());
        assertThat(announced.signatures()).extracting(SignedStatement.Signature::keyId)
                .containsExactly(StatementSignature.keyId(current.publicKey()));

        CloudServices switched = CloudServices.create(new InMemoryBlobStore(), new InMemoryMetadataStore(), clock,
                CloudConfig.withApiKeys(KEY).withSigningKey(pem(next) + pem(current))); // the new key first, then the previous
        DeviceCredentials same = switched.devices().create("cam-1", "line-1");
        SignedStatement coSigned = signed(desired(switched, same, "2"));
        byte[] bytes = Base64.getDecoder().decode(coSigned.statement());

        assertThat(statement(coSigned).keys()).extracting(DesiredStatement.SigningKey::publicKey).containsExactly(next.publicKeyBase64());
        assertThat(coSigned.signatures()).hasSize(2);
        assertThat(StatementSignature.verify(current.publicKey(), bytes, coSigned.signatures().get(1).signature())).isTrue();
        assertThat(StatementSignature.verify(next.publicKey(), bytes, coSigned.signatures().get(0).signature())).isTrue();
    }

    private static String pem(PackageSigner signer) {
        return "-----BEGIN PRIVATE KEY-----\n" + signer.privateKeyBase64() + "\n-----END PRIVATE KEY-----\n";
    }

    @Test
    void config_fromEnv_readsEveryVariableAndRefusesNonsense() {
        DeviceProtocolConfig config = DeviceProtocolConfig.fromEnv(Map.of("VERGE_DESIRED_STATE_LIFETIME_SECONDS", "3600",
                "VERGE_LEGACY_AGENTS", "refuse", "VERGE_NEXT_SIGNING_PUBKEY", "abc"));

        assertThat(config.statementLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(config.legacyAgents()).isFalse();
        assertThat(config.nextSigningKey()).isEqualTo("abc");
        assertThat(config.toString()).doesNotContain("abc");
        assertThatThrownBy(() -> DeviceProtocolConfig.fromEnv(Map.of("VERGE_LEGACY_AGENTS", "maybe")))
                .hasMessageContaining("serve or refuse");
        assertThatThrownBy(() -> DeviceProtocolConfig.fromEnv(Map.of("VERGE_DESIRED_STATE_LIFETIME_SECONDS", "10")))
                .hasMessageContaining("60 seconds");
        assertThatThrownBy(() -> SigningKeys.of(null, DeviceProtocolConfig.defaults().withNextSigningKey(
                PackageSigner.generate().publicKeyBase64()))).hasMessageContaining("VERGE_SIGNING_KEY");
        assertThatThrownBy(() -> SigningKeys.of(current.privateKeyBase64(), DeviceProtocolConfig.defaults().withNextSigningKey(
                current.privateKeyBase64()))).hasMessageContaining("VERGE_NEXT_SIGNING_PUBKEY");
        String three = String.join(",", current.privateKeyBase64(), current.privateKeyBase64(), current.privateKeyBase64());
        assertThatThrownBy(() -> SigningKeys.of(three, DeviceProtocolConfig.defaults())).hasMessageContaining("found 3");
    }
}
