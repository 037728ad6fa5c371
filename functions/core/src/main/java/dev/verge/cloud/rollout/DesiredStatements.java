package dev.verge.cloud.rollout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.verge.cloud.json.CloudJson;
import dev.verge.cloud.devices.DeviceRegistry;
import dev.verge.inference.pkg.PackageSignature;
import dev.verge.wire.desired.DesiredStatement;
import dev.verge.wire.desired.DesiredStatement.ModelEntry;
import dev.verge.wire.desired.DesiredStatement.SigningKey;
import dev.verge.wire.desired.SignedStatement;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Turns what a device should run ({@link DesiredState}) into the statement the cloud signs for it
 * (protocol 2): bound to the device, with a revision that grows whenever what it says changes, and good
 * until {@code statementLifetime} from now. The statement lists every model of the device, one marked the default,
 * each with its shadow candidate if any; the revision covers each one's default flag and shadow too. Each package
 * signature is made afresh with the current key, so packages deployed before a key rotation still verify on devices
 * that trust only the new key.
 */
public final class DesiredStatements {
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

    private final SigningKeys keys;
    private final DeviceRegistry devices;
    private final Duration lifetime;
    private final Clock clock;

    public DesiredStatements(SigningKeys keys, DeviceRegistry devices, Duration lifetime, Clock clock) {
        this.keys = keys;
        this.devices = devices;
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public SigningKeys keys() {
        return keys;
    }

    public SignedStatement sign(DesiredState desired) {
        List<ModelEntry> models = desired.models().stream().map(this::entry).toList();
        Map<String, Object> sampling = desired.sampling() == null ? null : CloudJson.mapper().convertValue(desired.sampling(), OBJECT);
        List<SigningKey> announced = keys.announced();
        long revision = devices.desiredRevision(desired.deviceId(), digest(desired, models, sampling, announced));
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        DesiredStatement statement = new DesiredStatement(DesiredStatement.TYPE, DesiredStatement.PROTOCOL,
                desired.deviceId(), desired.group(), revision, now.toString(), now.plus(lifetime).toString(), models, sampling,
                desired.pollSeconds(), announced);
        byte[] bytes = json(statement);
        return new SignedStatement(DesiredStatement.PROTOCOL, Base64.getEncoder().encodeToString(bytes), keys.sign(bytes));
    }

    /** One model's entry, its package signed afresh with the current key (and its shadow's). */
    private ModelEntry entry(DesiredState.ModelState model) {
        DesiredState.PackageRef pkg = model.packageRef();
        DesiredStatement.Shadow shadow = null;
        if (model.shadow() != null) {
            DesiredState.PackageRef candidate = model.shadow().packageRef();
            shadow = new DesiredStatement.Shadow(model.shadow().version(), candidate.sha256(), candidate.size(), candidate.url(),
                    keys.current().sign(model.model(), model.shadow().version(), candidate.sha256(), candidate.size()),
                    model.shadow().percent(), deployment(model.shadow().deployment()));
        }
        return new ModelEntry(model.model(), model.version(), pkg.sha256(), pkg.size(), pkg.url(),
                keys.current().sign(model.model(), model.version(), pkg.sha256(), pkg.size()), deployment(model.deployment()),
                model.isDefault(), shadow);
    }

    private static DesiredStatement.Deployment deployment(DesiredState.DeploymentRef ref) {
        return ref == null ? null : new DesiredStatement.Deployment(ref.id(), ref.strategy(), ref.role());
    }

    /** What the statement says, without what changes on every poll (times, download URLs). */
    private static String digest(DesiredState desired, List<ModelEntry> models, Map<String, Object> sampling,
                                 List<SigningKey> announced) {
        List<List<Object>> what = models.stream().map(m -> List.<Object>of(m.name(), m.version(), m.sha256(), m.size(),
                m.deployment() == null ? "" : m.deployment().id(), m.deployment() == null ? "" : m.deployment().role(),
                m.defaultModel(), shadow(m.shadow()))).toList();
        try {
            byte[] content = CloudJson.mapper().writer().with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).writeValueAsBytes(
                    List.of(desired.deviceId(), desired.group(), what, sampling == null ? Map.of() : sampling,
                            desired.pollSeconds(), announced));
            return PackageSignature.hex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the desired state", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    /** What a shadow says, without its download URL. */
    private static List<Object> shadow(DesiredStatement.Shadow shadow) {
        return shadow == null ? List.of() : List.of(shadow.version(), shadow.sha256(), shadow.size(), shadow.percent(),
                shadow.deployment() == null ? "" : shadow.deployment().id());
    }

    private static byte[] json(Object value) {
        try {
            return CloudJson.mapper().writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the desired state", e);
        }
    }
}
